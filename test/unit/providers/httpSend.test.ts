import { describe, expect, it } from "vitest";
import { DeliveryError } from "../../../src/providers/deliveryError.ts";
import { apiUrl, baseUrlSetting } from "../../../src/providers/httpSend.ts";

describe("apiUrl", () => {
  it("joins a base URL, with or without a path prefix, and a path", () => {
    expect(apiUrl("https://slack.com", "/api/chat.postMessage", "t").href).toBe(
      "https://slack.com/api/chat.postMessage",
    );
    expect(apiUrl("http://127.0.0.1:8080/gw", "/api/x", "t").href).toBe(
      "http://127.0.0.1:8080/gw/api/x",
    );
    expect(apiUrl("http://127.0.0.1:8080/gw/", "api/x", "t").href).toBe(
      "http://127.0.0.1:8080/gw/api/x",
    );
  });
});

describe("link URL settings", () => {
  it("uses apiBaseUrl when set and the provider default otherwise", () => {
    expect(baseUrlSetting({ apiBaseUrl: " http://127.0.0.1:9 " }, "https://x")).toBe(
      "http://127.0.0.1:9",
    );
    expect(baseUrlSetting({ apiBaseUrl: "" }, "https://x")).toBe("https://x");
    expect(baseUrlSetting({}, "https://x")).toBe("https://x");
  });

  it("treats an unparseable base URL as a link-level problem", () => {
    let thrown: unknown;
    try {
      apiUrl("not a url", "/api", "slack chat.postMessage");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DeliveryError);
    expect((thrown as DeliveryError).errorClass).toBe("linkLevel");
  });
});
