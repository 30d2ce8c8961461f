import pg from "pg";
import type { DatabaseRoles } from "./roles.ts";
import { withUrlParts } from "./roles.ts";

const { escapeIdentifier: id, escapeLiteral: literal } = pg;

/**
 * Idempotent: creates (or corrects) the three roles and the database, as a superuser.
 * Runs outside migrations because roles are cluster-wide and BYPASSRLS needs a superuser.
 */
export async function setupDatabase(rootUrl: string, roles: DatabaseRoles): Promise<void> {
  const root = new pg.Client({ connectionString: rootUrl });
  await root.connect();
  try {
    await ensureRole(root, roles.owner.name, roles.owner.password, "login");
    await ensureRole(root, roles.app.name, roles.app.password, "login");
    await ensureRole(root, roles.lookup, undefined, "nologin bypassrls");
    // The owner creates the lookup functions and hands them to the lookup role.
    await root.query(`grant ${id(roles.lookup)} to ${id(roles.owner.name)}`);
    const exists = await root.query("select 1 from pg_database where datname = $1", [
      roles.database,
    ]);
    if (exists.rowCount === 0) {
      await root.query(`create database ${id(roles.database)} owner ${id(roles.owner.name)}`);
    } else {
      await root.query(`alter database ${id(roles.database)} owner to ${id(roles.owner.name)}`);
    }
    await restrictDatabase(root, roles, roles.database);
  } finally {
    await root.end();
  }

  const db = new pg.Client({
    connectionString: withUrlParts(rootUrl, { database: roles.database }),
  });
  await db.connect();
  try {
    await db.query(`alter schema public owner to ${id(roles.owner.name)}`);
    await db.query("revoke all on schema public from public");
  } finally {
    await db.end();
  }
}

async function ensureRole(
  client: pg.Client,
  name: string,
  password: string | undefined,
  attributes: string,
): Promise<void> {
  const safe = `nosuperuser nocreatedb nocreaterole noreplication ${attributes.includes("bypassrls") ? "" : "nobypassrls"} ${attributes}`;
  const withPassword = password === undefined ? "" : ` password ${literal(password)}`;
  const found = await client.query("select 1 from pg_roles where rolname = $1", [name]);
  const verb = found.rowCount === 0 ? "create" : "alter";
  await client.query(`${verb} role ${id(name)} with ${safe}${withPassword}`);
}

/** Only the two runtime roles may connect (database ACLs are not copied from a template). */
export async function restrictDatabase(
  root: pg.Client,
  roles: DatabaseRoles,
  database: string,
): Promise<void> {
  await root.query(`revoke all on database ${id(database)} from public`);
  await root.query(
    `grant connect, temporary on database ${id(database)} to ${id(roles.owner.name)}, ${id(roles.app.name)}`,
  );
}
