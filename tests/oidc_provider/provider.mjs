// A real OpenID Connect provider (node's `oidc-provider`, pinned in package.json) for Chidao's single sign-on
// tests: tests/oidc_provider/conftest fixtures start it on a free port (`npm ci` first when node_modules is
// missing) and stop it afterwards. One static confidential client (code flow, RS256 ID tokens signed with a key
// made at start and published at /jwks), two accounts, and the library's development login form (any password).
//
//   PORT=4000 REDIRECT_URI=http://localhost:8000/oidc/callback/ node provider.mjs
//
// Prints "ready <issuer>" on stdout once it listens.
import { generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 4000);
const issuer = `http://127.0.0.1:${port}`;
const redirectUris = (process.env.REDIRECT_URI || 'http://localhost:8000/oidc/callback/').split(',');

// The accounts the provider vouches for: the login typed on its form is the account id. "CB.SSO" matches a
// Chidao user "cb.sso" (login names compare case-insensitively); "nguoi.la" has no Chidao account.
const ACCOUNTS = {
  'cb.sso': { preferred_username: 'CB.SSO', name: 'Cán bộ Đăng nhập một lần', email: 'cb.sso@example.vn' },
  'nguoi.la': { preferred_username: 'nguoi.la', name: 'Người Lạ', email: 'nguoi.la@example.vn' },
};

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'chidao-test', alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID || 'chidao',
    client_secret: process.env.CLIENT_SECRET || 'chidao-test-secret',
    redirect_uris: redirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'RS256',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: {
    openid: ['sub'],
    profile: ['preferred_username', 'name'],
    email: ['email', 'email_verified'],
  },
  async findAccount(_ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email_verified: true, ...account };
      },
    };
  },
  features: { devInteractions: { enabled: true } },
});
provider.proxy = false;

provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
