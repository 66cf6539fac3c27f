// Swagger UI of /api/docs/, from the portal's own copy (node_modules/swagger-ui-dist). It reads the
// schema from the page's data-schema-url and sends the CSRF token with the requests it tries out.
(() => {
  const element = document.getElementById("swagger-ui");
  if (!element || !window.SwaggerUIBundle) return;
  const csrf = document.cookie.split("; ").find((c) => c.indexOf("csrftoken=") === 0);
  window.ui = window.SwaggerUIBundle({
    url: element.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: true,
    validatorUrl: null, // no badge fetched from an outside validator
    requestInterceptor: (request) => {
      if (csrf) request.headers["X-CSRFToken"] = csrf.split("=")[1];
      return request;
    },
  });
})();
