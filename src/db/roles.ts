/** Role and database names derived from the configured connection URLs. */
export interface DatabaseRoles {
  readonly database: string;
  readonly owner: { readonly name: string; readonly password: string | undefined };
  readonly app: { readonly name: string; readonly password: string | undefined };
  readonly lookup: string;
}

const identifier = /^[a-z_][a-z0-9_]{0,62}$/;

function userOf(url: string, variable: string) {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.username);
  if (!identifier.test(name)) {
    throw new Error(
      `${variable}: the user name must be a lower-case SQL identifier, got "${name}"`,
    );
  }
  return { name, password: parsed.password ? decodeURIComponent(parsed.password) : undefined };
}

export function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
  if (!identifier.test(name)) {
    throw new Error(`the database name must be a lower-case SQL identifier, got "${name}"`);
  }
  return name;
}

export function rolesFromUrls(urls: {
  ownerUrl: string;
  appUrl: string;
  lookupRole: string;
}): DatabaseRoles {
  const owner = userOf(urls.ownerUrl, "DATABASE_URL");
  const app = userOf(urls.appUrl, "APP_DATABASE_URL");
  if (owner.name === app.name) {
    throw new Error("DATABASE_URL and APP_DATABASE_URL must use different roles");
  }
  if (databaseNameOf(urls.ownerUrl) !== databaseNameOf(urls.appUrl)) {
    throw new Error("DATABASE_URL and APP_DATABASE_URL must name the same database");
  }
  return { database: databaseNameOf(urls.ownerUrl), owner, app, lookup: urls.lookupRole };
}

/** A URL for the same server as `url`, with another user, password or database. */
export function withUrlParts(
  url: string,
  parts: { user?: string; password?: string | undefined; database?: string },
): string {
  const parsed = new URL(url);
  if (parts.user !== undefined) parsed.username = encodeURIComponent(parts.user);
  if (parts.password !== undefined) parsed.password = encodeURIComponent(parts.password);
  if (parts.database !== undefined) parsed.pathname = `/${parts.database}`;
  return parsed.toString();
}
