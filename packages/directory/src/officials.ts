/**
 * A directory of officials (id, unit, roles), kept by services that assign work to people: the
 * dossier service checks that a step goes to an official of the dossier's unit with the step's
 * role. Pulled from org's `officialDirectory` (a batch read, signed as a system caller). A service
 * that mails officials (notification) adds an `email` column in its own migration
 * (`addOfficialEmailColumn`) and syncs with `{ email: true }`; the others keep no addresses.
 */
import type { QueryRunner, DataSource } from 'typeorm';
import { postSignedGraphQL, SYSTEM_CALLER } from '@eiso/auth';
import { keepSynced, type KeepSyncedOptions } from './sync';

export interface DirectoryOfficial {
  id: string;
  unitId: string;
  unitPath: string;
  roles: string[];
}

export async function createOfficialDirectoryTable(q: QueryRunner): Promise<void> {
  await q.query(`
    CREATE TABLE official_directory (
      id        uuid PRIMARY KEY,
      username  varchar(64) NOT NULL,
      unit_id   uuid NOT NULL,
      unit_path text COLLATE "C" NOT NULL,
      roles     text[] NOT NULL,
      synced_at timestamptz NOT NULL DEFAULT now()
    )`);
}

/** The e-mail column, for the services that sync with `{ email: true }`. */
export async function addOfficialEmailColumn(q: QueryRunner): Promise<void> {
  await q.query(`ALTER TABLE official_directory ADD COLUMN email text`);
}

export interface OfficialSyncOptions {
  /** Also copy each official's e-mail (the table needs the column: addOfficialEmailColumn). */
  email?: boolean;
}

export class OfficialDirectory {
  constructor(private readonly db: DataSource) {}

  async byUsernames(usernames: readonly string[]): Promise<(DirectoryOfficial & { username: string })[]> {
    if (usernames.length === 0) return [];
    return this.db.query(
      `SELECT id, username, unit_id AS "unitId", unit_path AS "unitPath", roles FROM official_directory WHERE username = ANY($1)`,
      [usernames],
    );
  }

  async byId(id: string): Promise<DirectoryOfficial | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const rows = await this.db.query(
      `SELECT id, unit_id AS "unitId", unit_path AS "unitPath", roles FROM official_directory WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }
}

const query = (email: boolean) => `query OfficialDirectory($after: String) {
  officialDirectory(first: 5000, after: $after) { next entries { id username unitId unitPath roles${email ? ' email' : ''} } }
}`;

interface Page {
  officialDirectory: {
    next: string | null;
    entries: (DirectoryOfficial & { username: string; email?: string | null })[];
  };
}

export async function syncOfficialDirectory(
  db: DataSource,
  source: { orgUrl: string; signingSecret: string },
  options: OfficialSyncOptions = {},
): Promise<number> {
  const email = options.email === true;
  let after: string | null = null;
  let total = 0;
  do {
    const page: Page = await postSignedGraphQL<Page>(
      source.orgUrl,
      query(email),
      { after },
      {
        caller: SYSTEM_CALLER,
        secret: source.signingSecret,
      },
    );
    const entries = page.officialDirectory.entries;
    if (entries.length) {
      const params = [
        entries.map((e) => e.id),
        entries.map((e) => e.username),
        entries.map((e) => e.unitId),
        entries.map((e) => e.unitPath),
        entries.map((e) => JSON.stringify(e.roles)),
      ];
      await db.query(
        email
          ? `INSERT INTO official_directory (id, username, unit_id, unit_path, roles, email, synced_at)
             SELECT id, username, unit_id, unit_path, ARRAY(SELECT jsonb_array_elements_text(roles)), email, now()
             FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::jsonb[], $6::text[])
               AS t(id, username, unit_id, unit_path, roles, email)
             ON CONFLICT (id) DO UPDATE SET username = excluded.username, unit_id = excluded.unit_id,
               unit_path = excluded.unit_path, roles = excluded.roles, email = excluded.email, synced_at = now()`
          : `INSERT INTO official_directory (id, username, unit_id, unit_path, roles, synced_at)
             SELECT id, username, unit_id, unit_path, ARRAY(SELECT jsonb_array_elements_text(roles)), now()
             FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::jsonb[]) AS t(id, username, unit_id, unit_path, roles)
             ON CONFLICT (id) DO UPDATE SET username = excluded.username, unit_id = excluded.unit_id,
               unit_path = excluded.unit_path, roles = excluded.roles, synced_at = now()`,
        email ? [...params, entries.map((e) => e.email ?? null)] : params,
      );
    }
    total += entries.length;
    after = page.officialDirectory.next;
  } while (after);
  return total;
}

/** The official directory, kept in sync from org's `officialDirectory` (see keepSynced). */
export function keepOfficialDirectorySynced(
  db: DataSource,
  source: { orgUrl: string; signingSecret: string },
  options: KeepSyncedOptions & OfficialSyncOptions,
): Promise<() => void> {
  return keepSynced('official directory', () => syncOfficialDirectory(db, source, options), options);
}
