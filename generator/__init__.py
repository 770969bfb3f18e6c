"""Static portal generator for a district small-and-micro-enterprise financial product library.

The flow (DESIGN.md section 2) has one module per stage:

- ``issues``    ``Issue``/``IssueList``: every problem, error or warning, with file, row and field
- ``models``    typed records: ``BankRecord``, ``ProductRecord``, ``ContentDocument``, ``Catalog``
- ``config``    site settings from ``mkdocs.yml`` (``extra.portal``) and the project paths
- ``schema``    the canonical product Table Schema and its header/list vocabulary
- ``registry``  the office's bank registry
- ``loader``    safe reading of a bank's data package into raw rows (no URLs, links, archives; size cap)
- ``offline``   frictionless with an HTTP session that refuses every request
- ``validate``  frictionless cell readers + business rules: raw rows -> ``ProductRecord``
- ``messages``  Chinese messages and hints for cell problems, with the expected form
- ``validate_targets`` ``portal validate``: which paths are packages, files or content
- ``template``  ``portal template``: datapackage.json, CSV and XLSX with dropdowns and an example
- ``catalog``   every bank package together, cross-package rules
- ``content``   Markdown + front matter: policies, cases, notices, pages
- ``wording``   the content checker (word list ``content/wordlist.yml``): warnings on bank texts and content
- ``sanitize``  nh3 allow-list for the HTML rendered from staff Markdown (an MkDocs plugin)
- ``site_info`` footer, public base URL and warning notice from ``extra.portal`` (checked, exit 2)
- ``feeds``     Atom feeds (notices, policies) and ``sitemap.xml``
- ``fields``    the product field registry: label, unit, empty wording, range wording, declared once
- ``queries``   plain-language queries (``content/queries.yml``): what people type -> finder conditions
- ``share``     a product page leaving the site: description/Open Graph text, the QR code (segno)
- ``pages``     generated Markdown/HTML pages (products, banks, paginated lists, home, 帮我选)
- ``finder``    the product finder's compact columnar index and its map from Pagefind ids
- ``exports``   downloads: products CSV/XLSX/JSON + datapackage.json (formula-safe)
- ``assets``    the site's CSS/JS copied into the build, minified (rjsmin, rcssmin)
- ``site``      the mkdocs-material build
- ``csp``       Content-Security-Policy meta on every page (+ ``_headers``)
- ``search``    the Pagefind index
- ``checks``    checks on the written site: lang, no external resources, dead links in staff pages
- ``changes``   the change report against the site being replaced
- ``publish``   staging folder, ``--out`` safety and the atomic swap into ``--out``
- ``build``     the library function behind ``portal build``
- ``report``    issue reports (text, JSON, HTML; ``report_templates/``)
- ``serve``     ``portal serve``: preview with rebuild on change (watchdog)
- ``cli``       the thin click command line
"""

__version__ = "0.1.0"
