import { withUrlParts } from "../../src/db/roles.ts";

export interface TestDatabaseServer {
  rootUrl: string;
  template: string;
}

/** Test roles have their own names, so a developer's own roles on a shared server are untouched. */
export const TEST_ROLES = {
  owner: "valinor_test_owner",
  app: "valinor_test_app",
  lookup: "valinor_test_lookup",
  password: "valinor-test-password",
  urls(rootUrl: string, database: string) {
    const url = (user: string) =>
      withUrlParts(rootUrl, { user, password: TEST_ROLES.password, database });
    return { ownerUrl: url(TEST_ROLES.owner), appUrl: url(TEST_ROLES.app) };
  },
};
