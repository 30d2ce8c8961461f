import pg from "pg";
import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../../src/db/migrate.ts";
import { rolesFromUrls, withUrlParts } from "../../src/db/roles.ts";
import { setupDatabase } from "../../src/db/setupDatabase.ts";
import { makeLogger } from "../../src/logging/logger.ts";
import { provisionPostgres } from "./provisionPostgres.ts";
import { TEST_ROLES, type TestDatabaseServer } from "./testRoles.ts";

declare module "vitest" {
  export interface ProvidedContext {
    testDatabaseServer: TestDatabaseServer;
  }
}

/** Provisions PostgreSQL once, migrates a template database; each test file clones it. */
export default async function globalSetup(project: TestProject) {
  const started = Date.now();
  const server = await provisionPostgres(process.env);
  const template = `valinor_template_${process.pid}`;
  const urls = TEST_ROLES.urls(server.rootUrl, template);
  const roles = rolesFromUrls({ ...urls, lookupRole: TEST_ROLES.lookup });
  await setupDatabase(server.rootUrl, roles);
  await migrateDatabase({ ...urls, rootUrl: server.rootUrl, roles, logger: makeLogger("warn") });
  // A template must have no connections when it is cloned; migrate closed its own.
  console.log(
    `[test] PostgreSQL from ${server.source}, template ${template} ready in ${Date.now() - started} ms`,
  );
  project.provide("testDatabaseServer", { rootUrl: server.rootUrl, template });

  return async () => {
    const root = new pg.Client({ connectionString: withUrlParts(server.rootUrl, {}) });
    await root.connect();
    try {
      const { rows } = await root.query<{ datname: string }>(
        "select datname from pg_database where datname like $1",
        [`valinor_t${process.pid}_%`],
      );
      for (const { datname } of [...rows, { datname: template }]) {
        await root.query(`drop database if exists ${pg.escapeIdentifier(datname)} with (force)`);
      }
    } finally {
      await root.end();
    }
    await server.stop();
  };
}
