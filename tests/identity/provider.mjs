// A real OpenID Connect provider for the sign-in tests: panva's certified `oidc-provider`.
// Usage: node provider.mjs PORT CLIENTS_JSON [ISSUER_HOST]  (it listens on 127.0.0.1)
// Any login and password are accepted (the library's development pages); the account's
// name is the login with its first letter capitalised, its e-mail login@example.org.
import Provider from "oidc-provider";

const [port, clientsJson, host = "127.0.0.1"] = process.argv.slice(2);
const issuer = `http://${host}:${port}`;

const provider = new Provider(issuer, {
  clients: JSON.parse(clientsJson),
  pkce: { required: () => true },
  // Scope claims go into the ID token, as Google and most providers do.
  conformIdTokenClaims: false,
  claims: { openid: ["sub"], profile: ["name"], email: ["email", "email_verified"] },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        const name = id.charAt(0).toUpperCase() + id.slice(1);
        return { sub: id, name, email: `${id}@example.org`, email_verified: true };
      },
    };
  },
});

provider.listen(Number(port), "127.0.0.1", () => {
  console.log(`ready ${issuer}`);
});
