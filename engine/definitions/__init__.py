"""Deploy time: process packages and uploads, XML and BPMN checks, the compiled definition
and its cache, forms, versions, drafts, the library, BPMN import.

Rule: never imports runtime, mail or queries; may read people (names of who saved).
"""
