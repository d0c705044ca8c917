import path from 'node:path';

/**
 * The subgraphs the supergraph is composed from: their schema files (the source of truth) and
 * where they listen by default. Add a service here when it joins the graph, then `pnpm compose`.
 */
export interface SubgraphDefinition {
  name: string;
  schemaPath: string;
  defaultUrl: string;
  /** Environment variable that overrides the URL at run time (the supergraph file keeps the default). */
  urlVariable: string;
}

const root = path.join(__dirname, '..', '..');

export const SUBGRAPHS: SubgraphDefinition[] = [
  {
    name: 'org',
    schemaPath: path.join(root, 'services', 'org', 'schema.graphql'),
    defaultUrl: 'http://127.0.0.1:4001/graphql',
    urlVariable: 'ORG_URL',
  },
  {
    name: 'catalog',
    schemaPath: path.join(root, 'services', 'catalog', 'schema.graphql'),
    defaultUrl: 'http://127.0.0.1:4002/graphql',
    urlVariable: 'CATALOG_URL',
  },
  {
    name: 'dossier',
    schemaPath: path.join(root, 'services', 'dossier', 'schema.graphql'),
    defaultUrl: 'http://127.0.0.1:4003/graphql',
    urlVariable: 'DOSSIER_URL',
  },
  {
    name: 'audit',
    schemaPath: path.join(root, 'services', 'audit', 'schema.graphql'),
    defaultUrl: 'http://127.0.0.1:4004/graphql',
    urlVariable: 'AUDIT_URL',
  },
  {
    name: 'notification',
    schemaPath: path.join(root, 'services', 'notification', 'schema.graphql'),
    defaultUrl: 'http://127.0.0.1:4005/graphql',
    urlVariable: 'NOTIFICATION_URL',
  },
];

export const SUPERGRAPH_PATH = path.join(__dirname, '..', 'supergraph.graphql');
