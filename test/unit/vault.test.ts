import { describe, expect, it } from "vitest";
import { parseMasterKeys } from "../../src/vault/master-keys.js";
import { Vault, VaultError } from "../../src/vault/vault.js";

const keyA = { id: "a", key: Buffer.alloc(32, 1) };
const keyB = { id: "b", key: Buffer.alloc(32, 2) };

describe("Vault (AES-256-GCM envelope)", () => {
  it("round-trips and names its master key in every ciphertext", () => {
    const vault = new Vault([keyA]);
    const sealed = vault.encrypt("Everyday", "login:1:credentials");
    expect(sealed.split(".").slice(0, 2)).toEqual(["v1", "a"]);
    expect(sealed).not.toContain("Everyday");
    expect(vault.decrypt(sealed, "login:1:credentials")).toBe("Everyday");
  });

  it("never produces the same ciphertext twice", () => {
    const vault = new Vault([keyA]);
    expect(vault.encrypt("x", "aad")).not.toBe(vault.encrypt("x", "aad"));
  });

  it("refuses a ciphertext moved to another row (bound by its AAD)", () => {
    const vault = new Vault([keyA]);
    const sealed = vault.encrypt("secret", "login:1:credentials");
    expect(() => vault.decrypt(sealed, "login:2:credentials")).toThrow(VaultError);
  });

  it("detects tampering in any part", () => {
    const vault = new Vault([keyA]);
    const sealed = vault.encrypt("secret", "aad");
    const parts = sealed.split(".");
    for (const index of [2, 3]) {
      const bytes = Buffer.from(parts[index] ?? "", "base64url");
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
      const tampered = [...parts];
      tampered[index] = bytes.toString("base64url");
      expect(() => vault.decrypt(tampered.join("."), "aad")).toThrow(VaultError);
    }
    expect(() => vault.decrypt("garbage", "aad")).toThrow(VaultError);
  });

  it("reads old ciphertexts after rotation and reports what still needs a re-wrap", () => {
    const old = new Vault([keyA]).encrypt("secret", "aad");
    const rotated = new Vault([keyB, keyA]);
    expect(rotated.decrypt(old, "aad")).toBe("secret");
    expect(rotated.needsRewrap(old)).toBe(true);
    expect(rotated.needsRewrap(rotated.encrypt("secret", "aad"))).toBe(false);
    expect(() => new Vault([keyB]).decrypt(old, "aad")).toThrow(/unknown master key/);
  });

  it("parses BANKGATE_MASTER_KEYS and refuses short or malformed keys", () => {
    const spec = `k1:${Buffer.alloc(32, 3).toString("base64")},k0:${Buffer.alloc(32, 4).toString("base64")}`;
    expect(parseMasterKeys(spec).map((k) => k.id)).toEqual(["k1", "k0"]);
    expect(() => parseMasterKeys(`k1:${Buffer.alloc(16).toString("base64")}`)).toThrow(VaultError);
    expect(() => parseMasterKeys("nokey")).toThrow(VaultError);
  });
});

describe("Vault.rewrap (master-key rotation)", () => {
  it("moves a value to the active key without changing it; the new key alone then reads it", () => {
    const sealed = new Vault([keyA]).encrypt("Everyday", "login:1:credentials");
    const rotating = new Vault([keyB, keyA]);
    const rewrapped = rotating.rewrap(sealed, "login:1:credentials");
    expect(rewrapped.split(".").slice(0, 2)).toEqual(["v1", "b"]);
    // Only the data key is wrapped again: the body is the same bytes.
    expect(rewrapped.split(".")[3]).toBe(sealed.split(".")[3]);
    expect(new Vault([keyB]).decrypt(rewrapped, "login:1:credentials")).toBe("Everyday");
    expect(() => new Vault([keyA]).decrypt(rewrapped, "login:1:credentials")).toThrow(/unknown master key id b/);
  });

  it("is idempotent and still checks the AAD and the key", () => {
    const rotating = new Vault([keyB, keyA]);
    const current = rotating.encrypt("x", "aad");
    expect(rotating.rewrap(current, "aad")).toBe(current);
    const old = new Vault([keyA]).encrypt("x", "aad");
    expect(() => rotating.rewrap(old, "other-row")).toThrow(VaultError);
    expect(() => new Vault([keyB]).rewrap(old, "aad")).toThrow(/unknown master key id a/);
  });
});
