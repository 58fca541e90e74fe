// Starts Swagger UI on /docs from a file, not an inline script (the explorer's CSP allows only 'self').
"use strict";
window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
