/**
 * The audit trail: every mutation a subgraph receives leaves one row in its service's
 * `audit_trail` table — who (official id, username), their unit, when, what (the operation, its
 * mutation fields, the ids and codes it named or answered with) and the outcome (`OK` or the
 * contract error code), refused ones included. Never personal data or credentials: only values of
 * arguments named like ids and codes are kept, nothing under `applicant`, and no PIN, secret,
 * URL or free text.
 *
 * The row is written by the subgraph host (an Apollo plugin) after the mutation ran, not in its
 * transaction: a crash between the two loses the row, never the change; a failed write is logged.
 */
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { Kind, type FieldNode, type OperationDefinitionNode, type ValueNode } from 'graphql';
import type { Caller } from '@eiso/auth';
import type { Logger } from '@eiso/logging';

/** What the plugin needs of a service's database: one SQL statement at a time. */
export interface AuditTrailStore {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface AuditTrailEntry {
  requestId: string;
  officialId: string | null;
  username: string | null;
  unitId: string | null;
  unitCode: string | null;
  unitPath: string | null;
  operation: string | null;
  mutations: string[];
  objectIds: string[];
  outcome: string;
}

/** The table, created by each service's own migration in its own schema (like the outbox). */
export async function createAuditTrailTable(q: AuditTrailStore): Promise<void> {
  await q.query(`
    CREATE TABLE audit_trail (
      id          bigserial PRIMARY KEY,
      at          timestamptz NOT NULL DEFAULT now(),
      request_id  varchar(128) NOT NULL,
      official_id uuid,
      username    varchar(128),
      unit_id     uuid,
      unit_code   varchar(64),
      unit_path   text,
      operation   varchar(128),
      mutations   text[] NOT NULL,
      object_ids  text[] NOT NULL,
      outcome     varchar(32) NOT NULL
    )`);
  // A unit's (and its subtree's) trail, newest first.
  await q.query(
    `CREATE INDEX audit_trail_by_unit ON audit_trail (unit_path text_pattern_ops, at DESC, id DESC)`,
  );
  await q.query(`CREATE INDEX audit_trail_by_time ON audit_trail (at DESC, id DESC)`);
}

export async function dropAuditTrailTable(q: AuditTrailStore): Promise<void> {
  await q.query(`DROP TABLE audit_trail`);
}

export async function writeAuditTrail(store: AuditTrailStore, entry: AuditTrailEntry): Promise<void> {
  await store.query(
    `INSERT INTO audit_trail (request_id, official_id, username, unit_id, unit_code, unit_path, operation,
                              mutations, object_ids, outcome)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      entry.requestId.slice(0, 128),
      entry.officialId,
      entry.username?.slice(0, 128) ?? null,
      entry.unitId,
      entry.unitCode?.slice(0, 64) ?? null,
      entry.unitPath,
      entry.operation?.slice(0, 128) ?? null,
      entry.mutations,
      entry.objectIds,
      entry.outcome.slice(0, 32),
    ],
  );
}

const MAX_IDS = 50;
/** Argument and answer fields whose values are ids or codes (`idNumber` is not: it is personal data). */
const ID_FIELD = /^(id|ids|code|codes|\w+Id|\w+Ids|\w+Code|\w+Codes|\w+Usernames?)$/;
/** Never descended into nor kept, whatever their names. */
const PERSONAL = /^(applicant|pin|trackingPin|secret|password|token|email|phone|idNumber|url)$/i;

/** The ids and codes in a mutation's arguments (inline or variables) and in its answer. */
export function idsIn(value: unknown, into = new Set<string>(), depth = 0): Set<string> {
  if (depth > 4 || into.size >= MAX_IDS || value === null || typeof value !== 'object') return into;
  if (Array.isArray(value)) {
    for (const item of value) idsIn(item, into, depth + 1);
    return into;
  }
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (PERSONAL.test(key)) continue;
    if (ID_FIELD.test(key)) {
      for (const item of Array.isArray(v) ? v : [v])
        if ((typeof item === 'string' || typeof item === 'number') && into.size < MAX_IDS)
          into.add(String(item).slice(0, 128));
    } else idsIn(v, into, depth + 1);
  }
  return into;
}

function argumentValue(node: ValueNode, variables: Record<string, unknown>): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
      return variables[node.name.value];
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, argumentValue(f.value, variables)]));
    case Kind.LIST:
      return node.values.map((v) => argumentValue(v, variables));
    case Kind.NULL:
      return null;
    case Kind.INT:
    case Kind.FLOAT:
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    default:
      return undefined;
  }
}

/** The entry for one mutation request, from its operation, variables, answer and caller. */
export function auditEntry(input: {
  requestId: string;
  caller: Caller | undefined;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown>;
  data: unknown;
  errorCodes: string[];
}): AuditTrailEntry {
  const fields = input.operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
  const ids = new Set<string>();
  for (const field of fields) {
    const args = Object.fromEntries(
      (field.arguments ?? []).map((a) => [a.name.value, argumentValue(a.value, input.variables)]),
    );
    idsIn(args, ids);
    const answer = (input.data as Record<string, unknown> | null | undefined)?.[
      field.alias?.value ?? field.name.value
    ];
    idsIn({ answer }, ids);
  }
  const official = input.caller?.kind === 'official' ? input.caller : undefined;
  return {
    requestId: input.requestId,
    officialId: official?.officialId ?? null,
    username: official?.username ?? null,
    unitId: official?.unitId ?? null,
    unitCode: official?.unitCode ?? null,
    unitPath: official?.unitPath ?? null,
    // The gateway names a subgraph fetch `<Operation>__<subgraph>__<n>`: the client's name is kept.
    operation: input.operation.name?.value.replace(/__\w+__\d+$/, '') ?? null,
    mutations: [...new Set(fields.map((f) => f.name.value))],
    objectIds: [...ids],
    outcome: input.errorCodes[0] ?? 'OK',
  };
}

interface AuditScope {
  caller?: Caller;
  requestId?: string;
  logger?: Logger;
}

/** The subgraph-host plugin: one audit_trail row per mutation request, written before the answer leaves. */
export function auditTrailPlugin(store: AuditTrailStore, logger: Logger): ApolloServerPlugin<AuditScope> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(request: GraphQLRequestContextWillSendResponse<AuditScope>) {
          const operation = request.operation;
          if (!operation || operation.operation !== 'mutation') return;
          const body = request.response.body;
          const result = body.kind === 'single' ? body.singleResult : undefined;
          const entry = auditEntry({
            requestId:
              request.contextValue.requestId ?? request.request.http?.headers.get('x-request-id') ?? '',
            caller: request.contextValue.caller,
            operation,
            variables: request.request.variables ?? {},
            data: result?.data,
            errorCodes: (result?.errors ?? []).map((e) =>
              String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'),
            ),
          });
          try {
            await writeAuditTrail(store, entry);
          } catch (error) {
            (request.contextValue.logger ?? logger).error(
              { err: error, operation: entry.operation, mutations: entry.mutations },
              'audit trail not written',
            );
          }
        },
      };
    },
  };
}
