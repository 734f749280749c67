// data-bevestig="<vraag>": ask before the action goes ahead.
//
// - on a button or link (<button data-bevestig="Taak teruggeven?">): asked on click,
//   which also covers Enter in a form field (the browser clicks the default button);
// - on a <form data-bevestig="…">: asked when the form is submitted.
// Cancelling stops the click or the submit. Delegated, so content added later works too.
export function bevestigingen(document_ = document) {
  document_.addEventListener(
    'click',
    (event) => {
      const doel = event.target instanceof Element ? event.target.closest('[data-bevestig]:not(form)') : null;
      if (!doel || doel.matches(':disabled')) {
        return;
      }
      if (!window.confirm(doel.dataset.bevestig)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true,
  );
  document_.addEventListener(
    'submit',
    (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-bevestig')) {
        return;
      }
      if (!window.confirm(form.dataset.bevestig)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true,
  );
}
