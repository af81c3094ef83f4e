// A real OpenID Provider (node-oidc-provider) for tokenscope's integration tests.
//
// Usage:   PORT=0 KEYSET=a node tests/oidc-server/server.js
// Prints exactly one line on stdout when ready:  READY http://127.0.0.1:<port>
// Everything else (oidc-provider warnings, errors) goes to stderr.
//
// Env:
//   PORT    TCP port on 127.0.0.1 (default 0 = ephemeral). The issuer is
//           http://127.0.0.1:<actual port>.
//   KEYSET  a|b (default a): which fixed set of signing keys (keys.json) to use.
//           Both sets have one RS256, one ES256 and one EdDSA (Ed25519) key;
//           the kids are <set>-rs256, <set>-es256, <set>-eddsa.
//
// See README.md for the clients, resources and the exact HTTP steps of the
// login/consent and device flows.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider, { errors } from 'oidc-provider';

// stdout carries only the READY line: oidc-provider prints its notices with
// console.info (stdout), send them to stderr with the warnings.
console.info = console.error;
console.log = console.error;

const KEYSET = process.env.KEYSET || 'a';
const PORT = Number.parseInt(process.env.PORT || '0', 10);

const allKeys = JSON.parse(readFileSync(new URL('./keys.json', import.meta.url), 'utf8'));
if (!Array.isArray(allKeys[KEYSET])) {
  console.error(`oidc-server: unknown KEYSET=${KEYSET} (expected a or b)`);
  process.exit(2);
}
if (!Number.isInteger(PORT) || PORT < 0 || PORT > 65535) {
  console.error(`oidc-server: invalid PORT=${process.env.PORT}`);
  process.exit(2);
}

const RESOURCE_SCOPE = 'api:read api:write';
const ACCESS_TOKEN_TTL = 300;

// Resource indicator -> Resource Server info (RFC 8707).
const RESOURCES = {
  'urn:tokenscope:rs256': { accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } },
  'urn:tokenscope:es256': { accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } },
  'urn:tokenscope:eddsa': { accessTokenFormat: 'jwt', jwt: { sign: { alg: 'EdDSA' } } },
  'urn:tokenscope:opaque': { accessTokenFormat: 'opaque' },
};

const codeGrants = ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'];

const clients = [
  {
    client_id: 'cc-client',
    client_secret: 'cc-secret',
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
  },
  {
    client_id: 'post-client',
    client_secret: 'post-secret',
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
  },
  {
    client_id: 'app-client',
    client_secret: 'app-secret',
    token_endpoint_auth_method: 'client_secret_basic',
    application_type: 'native',
    grant_types: codeGrants,
    response_types: ['code'],
    redirect_uris: ['http://127.0.0.1/callback'],
  },
  {
    // The legacy password grant (registered below) and refreshes of its tokens.
    client_id: 'password-client',
    client_secret: 'password-secret',
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['password', 'refresh_token'],
    response_types: [],
    redirect_uris: [],
  },
  {
    client_id: 'public-client',
    token_endpoint_auth_method: 'none',
    application_type: 'native',
    grant_types: codeGrants,
    response_types: ['code'],
    redirect_uris: ['http://127.0.0.1/callback'],
  },
];

// The only accounts the password grant knows (login pages accept any name).
const PASSWORD_USERS = { tester: 'tester-password' };

// The resource owner password credentials grant (RFC 6749 §4.3), which oidc-provider no
// longer ships: the user's password in, an opaque (userinfo) access token and a refresh token
// out, on a grant like the code flow's, so refresh, introspection and userinfo work on them.
async function passwordGrant(ctx, next) {
  const { client, params, provider } = ctx.oidc;
  const { username, password } = params;
  if (!username || !Object.hasOwn(PASSWORD_USERS, username) || PASSWORD_USERS[username] !== password) {
    throw new errors.InvalidGrant('invalid username or password');
  }
  const requested = (params.scope || 'openid').split(' ').filter(Boolean);
  const known = new Set(configuration.scopes);
  const unknown = requested.filter((s) => !known.has(s));
  if (unknown.length) throw new errors.InvalidScope('requested scope is not allowed', unknown.join(' '));
  const scope = requested.join(' ');
  const grant = new provider.Grant({ accountId: username, clientId: client.clientId });
  grant.addOIDCScope(scope);
  const grantId = await grant.save();
  const at = new provider.AccessToken({
    accountId: username, client, grantId, gty: 'password', scope,
  });
  const body = {
    access_token: await at.save(),
    expires_in: at.expiration,
    token_type: at.tokenType,
    scope,
  };
  if (client.grantTypeAllowed('refresh_token')) {
    const rt = new provider.RefreshToken({
      accountId: username, client, grantId, gty: 'password', scope, rotations: 0,
    });
    body.refresh_token = await rt.save();
  }
  ctx.body = body;
  await next();
}

// Minimal pages for the device flow (the defaults pull a web font and log
// "you should change this" warnings). The forms are the ones oidc-provider
// hands us, unchanged.
function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head>
<body><h1>${title}</h1>${body}</body></html>`;
}

const configuration = {
  clients,
  jwks: { keys: allKeys[KEYSET] },
  cookies: {
    keys: ['tokenscope-test-cookie-key-1', 'tokenscope-test-cookie-key-2'],
  },
  claims: {
    openid: ['sub'],
    profile: ['name'],
    email: ['email', 'email_verified'],
  },
  scopes: ['openid', 'offline_access', 'profile', 'email'],
  // Put the scope-granted claims (name, email, ...) in ID Tokens too, not only
  // in the UserInfo response: more for the inspector to show.
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: `${id}@example.test`,
          email_verified: true,
          name: 'Test User',
        };
      },
    };
  },
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    introspection: {
      enabled: true,
      // Any authenticated client may introspect any token.
      allowedPolicy: async () => true,
    },
    // Note: with oidc-provider 8.x a client may only revoke its own tokens
    // (RFC 7009 behaviour); there is no allowedPolicy hook for revocation (it came in 9.x).
    revocation: { enabled: true },
    deviceFlow: {
      enabled: true,
      async userCodeInputSource(ctx, form, out, err) {
        let msg = '<p>Enter the code displayed on your device</p>';
        if (err) msg = `<p class="error">${esc(out?.error_description || 'There was an error processing your request')}</p>`;
        ctx.body = page('Sign-in', `${msg}${form}<button type="submit" form="op.deviceInputForm">Continue</button>`);
      },
      async userCodeConfirmSource(ctx, form, client, deviceInfo, userCode) {
        ctx.body = page('Confirm Device', `<p>${esc(client.clientId)}</p><p><code>${esc(userCode)}</code></p>${form}
<button type="submit" form="op.deviceConfirmForm">Continue</button>
<button type="submit" form="op.deviceConfirmForm" value="yes" name="abort">Abort</button>`);
      },
      async successSource(ctx) {
        ctx.body = page('Sign-in Success', '<p>Your sign-in was successful, you can now close this page.</p>');
      },
    },
    userinfo: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // No resource asked -> no default resource: such Access Tokens are
      // opaque, for the UserInfo endpoint.
      async defaultResource(ctx, client, oneOf) {
        if (oneOf) return oneOf;
        return undefined;
      },
      // At the token endpoint, a "resource" must be sent explicitly to get a
      // token for a Resource Server; without it an openid code/refresh token
      // exchange yields a UserInfo Access Token.
      async useGrantedResource() {
        return false;
      },
      async getResourceServerInfo(ctx, resourceIndicator) {
        const info = RESOURCES[resourceIndicator];
        if (!info) throw new errors.InvalidTarget(`unknown resource indicator ${resourceIndicator}`);
        return { scope: RESOURCE_SCOPE, accessTokenTTL: ACCESS_TOKEN_TTL, ...info };
      },
    },
  },
  pkce: { methods: ['S256'] },
  // Refresh tokens for every client allowed the refresh_token grant, without
  // needing the offline_access scope (which would force prompt=consent).
  async issueRefreshToken(ctx, client) {
    return client.grantTypeAllowed('refresh_token');
  },
  rotateRefreshToken: true,
  ttl: {
    AccessToken: ACCESS_TOKEN_TTL,
    AuthorizationCode: 60,
    BackchannelAuthenticationRequest: 600,
    ClientCredentials: ACCESS_TOKEN_TTL,
    DeviceCode: 600,
    Grant: 3600,
    IdToken: 300,
    Interaction: 600,
    RefreshToken: 3600,
    Session: 3600,
  },
  // Full error details in error responses: this is a test server.
  renderError(ctx, out, error) {
    ctx.type = 'html';
    ctx.body = page('oops! something went wrong', `<pre>${esc(JSON.stringify(out, null, 2))}</pre>`);
    if (error && !(error.expose)) console.error(error);
  },
};

const server = createServer();
server.on('error', (err) => {
  console.error(`oidc-server: ${err.message}`);
  process.exit(1);
});
server.listen(PORT, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, configuration);
  provider.registerGrantType('password', passwordGrant, ['username', 'password', 'scope']);
  provider.on('server_error', (ctx, err) => console.error('oidc-server: server_error', err));
  server.on('request', provider.callback());
  process.stdout.write(`READY ${issuer}\n`);
  // Nobody may read stdout any more (the test harness may close it).
  process.stdout.on('error', () => {});
});

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => process.exit(0));
}
