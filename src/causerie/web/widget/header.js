/* Causerie comment widget: one <script src=".../embed.js" async> on the article page.
   Plain JavaScript, no dependency, no request anywhere but the Causerie server.
   Settings: data-causerie-{site,uri,title,lang,sort,limit,container,live,sso} on the script tag
   (sso: a token the publisher signed for its logged-in reader, docs/identity.md).
   The comment markup matches src/causerie/api/fragment.py (server-rendered first page). */
