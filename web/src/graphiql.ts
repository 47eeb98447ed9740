// GraphiQL for GET /graphql, bundled into the binary so the page loads nothing from another host. Queries
// go to /graphql with the session cookie and the CSRF header; subscriptions to /graphql/ws.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { createClient } from 'graphql-ws';
import 'graphiql/style.css';

const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql/ws`;
const fetcher = createGraphiQLFetcher({
  url: '/graphql',
  headers: { 'X-Groundwork-CSRF': '1' },
  wsClient: createClient({ url: wsUrl, lazy: true }),
});

const mount = document.getElementById('graphiql');
if (mount) {
  createRoot(mount).render(createElement(GraphiQL, { fetcher }));
}
