/**
 * The GraphiQL page (its assets: graphiql-assets.ts): it works with no internet.
 * It opens on a working example and the Authorization header of a sandbox persona.
 */
export const EXAMPLE_QUERY = `# LEA's accounts with their balances and the last 5 transactions.
# The Authorization header below is a development token for a partner (batch) caller:
# unattended reads spend the bank's 4-per-day budget, so watch freshness and quota.
query Dashboard {
  accounts {
    id
    iban
    name
    balances { type amount { amount currency } freshness { source fetchedAt stale } }
    overdraft { allowedAmount { amount currency } }
    transactions(first: 5) {
      totalCount
      edges { node { bookingDate amount { amount currency } creditDebitIndicator remittanceInformation } }
    }
    quota { method used remaining nextAllowedAt }
  }
}
`

export function renderGraphiqlPage(options: { endpoint: string; headers: Record<string, string> }): string {
  const config = JSON.stringify({
    endpoint: options.endpoint,
    query: EXAMPLE_QUERY,
    headers: JSON.stringify(options.headers, null, 2),
  }).replace(/</g, '\\u003c')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>stet-gateway · GraphiQL</title>
<link rel="stylesheet" href="/graphiql/assets/graphiql.css">
<style>body{margin:0;height:100vh}#graphiql{height:100vh}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/assets/react.js"></script>
<script src="/graphiql/assets/react-dom.js"></script>
<script src="/graphiql/assets/graphiql.js"></script>
<script>
const config = ${config};
const fetcher = GraphiQL.createFetcher({ url: config.endpoint });
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher, defaultQuery: config.query, defaultHeaders: config.headers, shouldPersistHeaders: false, isHeadersEditorEnabled: true, defaultEditorToolsVisibility: 'headers' })
);
</script>
</body>
</html>`
}
