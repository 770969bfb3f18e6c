"""Static portal generator for a district small-and-micro-enterprise financial product library.

The subpackages are the flow, in order; a module imports only its own layer or an earlier one
(tests/test_architecture.py checks it). ARCHITECTURE.md draws the flow and says how to add a
field, a page kind, a check and a download format.

- ``core``      what every layer shares: records (``models``), the product schema (``schema``,
                ``offline``), settings (``settings``), the URL map (``urls``), issues, errors
- ``ingest``    bank data packages -> validated ``ProductRecord``s: ``loader`` (safe reading),
                ``validate`` + ``messages`` (cell and business rules), ``registry``, ``catalog``,
                ``template`` (blank submission templates)
- ``content``   staff Markdown and word lists: ``documents`` (front matter -> typed metadata),
                ``wording`` (content checker), ``sanitize`` (allow-list), ``queries`` (finder words)
- ``site``      the site model and everything rendered from it: ``model``, ``fields`` (display
                registry), ``pages``, ``share``, ``finder``, ``exports``, ``feeds``, ``assets``,
                ``csp``, ``search`` (Pagefind) and ``mkdocs_plugin``, the only module that imports MkDocs
- ``release``   the written site before and after it goes live: ``checks``, ``changes``, ``publish``
- ``commands``  ``cli`` (thin click layer), ``build``, ``validate``, ``serve``, ``report``, ``errors``
"""

__version__ = "0.1.0"
