// Starts GraphiQL on the page rendered by gateway/graphiql.py. Lives in its own file, so the
// page can be served with `script-src 'self'`: the settings come from a JSON data block.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("graphiql-config").textContent);
  var h = React.createElement;

  // Subscriptions go over graphql-transport-ws on the same path; GraphiQL sends the headers
  // editor's content as the `connection_init` payload, which is where the gateway reads the
  // token of a websocket.
  var subscriptionUrl = new URL(config.endpoint, window.location.href);
  subscriptionUrl.protocol = window.location.protocol === "https:" ? "wss:" : "ws:";

  // The headers with a persona's Authorization in place of the current one; the others stay.
  function withPersona(text, personaHeaders) {
    var headers = {};
    try {
      var parsed = JSON.parse(text || "{}");
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) headers = parsed;
    } catch (ignored) {
      // not JSON yet: the persona's headers replace it
    }
    Object.keys(headers).forEach(function (name) {
      if (name.toLowerCase() === "authorization") delete headers[name];
    });
    Object.assign(headers, personaHeaders);
    return Object.keys(headers).length ? JSON.stringify(headers, null, 2) : "";
  }

  // Sandbox mode: sign in as a seeded account (or none) in one click.
  function PersonaPicker(props) {
    var editor = GraphiQL.React.useHeadersEditorState(); // [headers, setHeaders]
    var chosen = React.useState("");
    function choose(event) {
      var persona = props.personas.find(function (p) { return p.id === event.target.value; });
      chosen[1](event.target.value);
      if (persona) editor[1](withPersona(editor[0], persona.headers));
    }
    var options = props.personas.map(function (p) {
      return h("option", { key: p.id, value: p.id, title: p.sees }, p.label);
    });
    return h(
      "select",
      {
        "aria-label": "Persona",
        title: "Sign in as a seeded account: fills the Authorization header",
        value: chosen[0],
        onChange: choose,
        style: { maxWidth: "28em", fontSize: "0.85em" },
      },
      h("option", { value: "", disabled: true }, "Sign in as…"),
      options
    );
  }

  function Page() {
    var personas = React.useState(null);
    React.useEffect(function () {
      if (!config.personasUrl) return;
      fetch(config.personasUrl, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) { if (body) personas[1](body.personas); })
        .catch(function (error) { console.warn("personas unavailable", error); });
    }, []);
    return h(
      GraphiQL,
      {
        fetcher: GraphiQL.createFetcher({
          url: config.endpoint,
          subscriptionUrl: subscriptionUrl.href,
        }),
        defaultQuery: config.defaultQuery,
        isHeadersEditorEnabled: true,
        shouldPersistHeaders: true,
        defaultEditorToolsVisibility: "headers",
      },
      personas[0] ? h(GraphiQL.Logo, null, h(PersonaPicker, { personas: personas[0] })) : null
    );
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(h(Page));
})();
