"""The process owners' modeller: the library, import and migration pages (:mod:`.library`, blueprint
``modeler``), the browser editor and version comparison (:mod:`.editor`, ``modeler_editor``) and
their JSON (:mod:`.api`, ``modeler_api``), and trying the draft (:mod:`.proberen`, ``modeler_proberen``).
Every request passes :func:`.library.guard` first: signed in, and someone who may change processes.
"""
