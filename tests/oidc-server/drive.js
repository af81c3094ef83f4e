#!/usr/bin/env node
// Plays the "browser + user" against tests/oidc-server/server.js, over plain
// HTTP, so the login, consent and device-verification pages of oidc-provider's
// devInteractions can be passed without a browser. It uses only Node's fetch
// and a tiny name -> value cookie jar (no cookie paths are needed; see README).
//
// Usage:
//   node drive.js authorize <authorization-url> [--login alice] [--deliver] [--deny]
//       Acts as the browser for an authorization request (the URL the app
//       under test would open). Follows redirects, signs in as --login (any
//       name works; default "alice", password is ignored) and consents. When
//       the server redirects to the client's redirect_uri, prints
//         CALLBACK <redirect_uri?code=...&state=...&iss=...>
//       and, with --deliver, also GETs that URL (as a browser would, e.g. to
//       reach the app's loopback listener) and prints DELIVERED <status>.
//       --deny presses Cancel on the first page instead: the callback then
//       carries error=access_denied.
//   node drive.js device <issuer> <user_code> [--login bob] [--deny]
//       Approves a device authorization: enters the user_code at
//       <issuer>/device, confirms, signs in, consents. Prints APPROVED.
//       --deny aborts at the confirm page instead (the next poll is
//       access_denied) and prints DENIED.
//   node drive.js selftest <issuer>
//       Exercises every feature the tests rely on; prints one line per check
//       and "selftest: ok (<n> checks)" or exits non-zero on the first failure.
//
// Exit status: 0 on success, 1 on any failure (message on stderr).

import { createHash, randomBytes } from 'node:crypto';

// ---------------------------------------------------------------- browser ---

class Browser {
  constructor() {
    this.jar = new Map(); // cookie name -> value
  }

  cookieHeader() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  store(res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  async request(url, { method = 'GET', form } = {}) {
    const headers = { cookie: this.cookieHeader() };
    let body;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const res = await fetch(url, { method, headers, body, redirect: 'manual' });
    this.store(res);
    const text = await res.text();
    return { status: res.status, location: res.headers.get('location'), text, url };
  }
}

function hidden(html, name) {
  const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  return m ? m[1] : undefined;
}

// Follows a chain of redirects starting at `url`, completing every
// devInteractions page met on the way, until a redirect leaves the issuer
// (returns that URL) or a non-redirect page that is not an interaction is
// reached (returns { page }).
// With `deny`, the first interaction page is abandoned through its abort link
// (the user presses Cancel): the server redirects with error=access_denied.
async function browse(browser, issuer, url, login, deny = false) {
  let next = url;
  for (let hop = 0; hop < 20; hop += 1) {
    const abs = new URL(next, issuer).href;
    if (!abs.startsWith(`${issuer}/`)) return { callback: abs };
    const res = await browser.request(abs);
    if (res.status >= 300 && res.status < 400) {
      next = res.location;
      continue;
    }
    if (res.status !== 200) throw new Error(`GET ${abs} -> ${res.status}: ${res.text.slice(0, 500)}`);
    const m = new URL(abs).pathname.match(/^\/interaction\/([^/]+)$/);
    if (!m) return { page: res };
    if (deny) {
      const abort = await browser.request(`${abs}/abort`);
      if (abort.status !== 303) throw new Error(`GET ${abs}/abort -> ${abort.status}: ${abort.text.slice(0, 500)}`);
      next = abort.location;
      continue;
    }
    const prompt = hidden(res.text, 'prompt');
    let form;
    if (prompt === 'login') form = { prompt: 'login', login, password: 'anything' };
    else if (prompt === 'consent') form = { prompt: 'consent' };
    else throw new Error(`unknown interaction page at ${abs}: ${res.text.slice(0, 500)}`);
    const post = await browser.request(abs, { method: 'POST', form });
    if (post.status !== 303) throw new Error(`POST ${abs} (${prompt}) -> ${post.status}: ${post.text.slice(0, 500)}`);
    next = post.location;
  }
  throw new Error('too many redirects');
}

async function authorize(authUrl, { login = 'alice', browser = new Browser(), deny = false } = {}) {
  const issuer = new URL(authUrl).origin;
  const out = await browse(browser, issuer, authUrl, login, deny);
  if (!out.callback) throw new Error(`authorization ended on a page, not a redirect: ${out.page.text.slice(0, 800)}`);
  return out.callback;
}

async function approveDevice(issuer, userCode, { login = 'bob', browser = new Browser(), deny = false } = {}) {
  const start = await browser.request(`${issuer}/device`);
  const xsrf = hidden(start.text, 'xsrf');
  if (!xsrf) throw new Error(`no xsrf on ${issuer}/device: ${start.text.slice(0, 500)}`);
  const confirmPage = await browser.request(`${issuer}/device`, { method: 'POST', form: { xsrf, user_code: userCode } });
  if (confirmPage.status !== 200 || !confirmPage.text.includes('name="confirm"')) {
    throw new Error(`user_code not accepted (${confirmPage.status}): ${confirmPage.text.slice(0, 800)}`);
  }
  if (deny) {
    const aborted = await browser.request(`${issuer}/device`, {
      method: 'POST', form: { xsrf, user_code: userCode, abort: 'yes' },
    });
    if (aborted.status >= 400) throw new Error(`device abort -> ${aborted.status}: ${aborted.text.slice(0, 500)}`);
    return;
  }
  const confirmed = await browser.request(`${issuer}/device`, {
    method: 'POST', form: { xsrf, user_code: userCode, confirm: 'yes' },
  });
  if (confirmed.status !== 303) throw new Error(`device confirm -> ${confirmed.status}: ${confirmed.text.slice(0, 500)}`);
  const out = await browse(browser, issuer, confirmed.location, login);
  if (!out.page || !out.page.text.includes('Sign-in Success')) {
    throw new Error(`device flow did not end on the success page: ${JSON.stringify(out).slice(0, 800)}`);
  }
}

// --------------------------------------------------------------- selftest ---

const b64u = (buf) => Buffer.from(buf).toString('base64url');
const decode = (part) => JSON.parse(Buffer.from(part, 'base64url').toString());
const basic = (id, secret) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

async function post(url, form, auth) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth) headers.authorization = auth;
  const res = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, json, text };
}

async function selftest(issuer) {
  let n = 0;
  const check = (cond, what, detail) => {
    if (!cond) throw new Error(`FAILED: ${what}${detail ? `: ${JSON.stringify(detail)}` : ''}`);
    n += 1;
    console.log(`ok ${n} ${what}`);
  };
  const cc = basic('cc-client', 'cc-secret');
  const app = basic('app-client', 'app-secret');
  const token = `${issuer}/token`;

  const disco = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
  check(disco.issuer === issuer, 'discovery issuer', disco.issuer);
  const jwks = await (await fetch(disco.jwks_uri)).json();
  check(jwks.keys.length === 3 && jwks.keys.every((k) => k.kid && !k.d), 'jwks has 3 public keys with kids', jwks.keys.map((k) => k.kid));
  const kidOf = Object.fromEntries(jwks.keys.map((k) => [k.alg, k.kid]));

  for (const [res, alg] of [['rs256', 'RS256'], ['es256', 'ES256'], ['eddsa', 'EdDSA']]) {
    const r = await post(token, { grant_type: 'client_credentials', resource: `urn:tokenscope:${res}`, scope: 'api:read api:write' }, cc);
    const [h, p] = r.json.access_token.split('.');
    const hdr = decode(h);
    const pay = decode(p);
    check(hdr.typ === 'at+jwt' && hdr.alg === alg && hdr.kid === kidOf[alg] && pay.aud === `urn:tokenscope:${res}` && pay.scope === 'api:read api:write',
      `client_credentials ${res} -> ${alg} JWT`, { hdr, pay });
  }
  const viaPost = await post(token, {
    grant_type: 'client_credentials', client_id: 'post-client', client_secret: 'post-secret', resource: 'urn:tokenscope:rs256', scope: 'api:read',
  });
  check(viaPost.status === 200 && decode(viaPost.json.access_token.split('.')[1]).client_id === 'post-client', 'client_secret_post client', viaPost.json);

  const opaque = (await post(token, { grant_type: 'client_credentials', resource: 'urn:tokenscope:opaque', scope: 'api:read' }, cc)).json.access_token;
  check(!opaque.includes('.'), 'opaque resource gives an opaque token', opaque);
  let intro = (await post(`${issuer}/token/introspection`, { token: opaque }, cc)).json;
  check(intro.active === true && intro.aud === 'urn:tokenscope:opaque' && intro.client_id === 'cc-client', 'introspection active', intro);
  intro = (await post(`${issuer}/token/introspection`, { token: opaque, client_id: 'post-client', client_secret: 'post-secret' })).json;
  check(intro.active === true, 'another client may introspect', intro);
  const rev = await post(`${issuer}/token/revocation`, { token: opaque, token_type_hint: 'access_token' }, cc);
  check(rev.status === 200, 'revocation 200', rev.text);
  intro = (await post(`${issuer}/token/introspection`, { token: opaque }, cc)).json;
  check(intro.active === false, 'introspection after revocation inactive', intro);

  // Authorization code + PKCE, confidential and public client, any loopback port.
  for (const [clientId, auth] of [['app-client', app], ['public-client', undefined]]) {
    const verifier = b64u(randomBytes(32));
    const challenge = b64u(createHash('sha256').update(verifier).digest());
    const redirectUri = 'http://127.0.0.1:49152/callback';
    const u = new URL(disco.authorization_endpoint);
    u.search = new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'openid profile email api:read',
      resource: 'urn:tokenscope:es256',
      state: 'st-1',
      nonce: 'nonce-1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    const cb = new URL(await authorize(u.href, { login: 'alice' }));
    check(cb.origin + cb.pathname === redirectUri && cb.searchParams.get('state') === 'st-1' && cb.searchParams.get('iss') === issuer,
      `${clientId}: login + consent -> callback with code`, cb.href);
    const form = {
      grant_type: 'authorization_code', code: cb.searchParams.get('code'), redirect_uri: redirectUri, code_verifier: verifier,
    };
    if (!auth) form.client_id = clientId;
    const t = await post(token, form, auth);
    check(t.status === 200 && t.json.access_token && t.json.id_token && t.json.refresh_token, `${clientId}: code exchange gives access, id and refresh tokens`, t.json);
    const idt = decode(t.json.id_token.split('.')[1]);
    check(idt.sub === 'alice' && idt.nonce === 'nonce-1' && idt.aud === clientId && idt.email === 'alice@example.test', `${clientId}: id_token claims`, idt);
    const ui = await (await fetch(disco.userinfo_endpoint, { headers: { authorization: `Bearer ${t.json.access_token}` } })).json();
    check(ui.sub === 'alice' && ui.email === 'alice@example.test' && ui.name === 'Test User', `${clientId}: userinfo with resource-less access token`, ui);
    const rform = { grant_type: 'refresh_token', refresh_token: t.json.refresh_token, resource: 'urn:tokenscope:es256' };
    if (!auth) rform.client_id = clientId;
    const r = await post(token, rform, auth);
    const at = r.json.access_token.split('.');
    check(r.status === 200 && at.length === 3 && decode(at[0]).alg === 'ES256' && r.json.refresh_token !== t.json.refresh_token,
      `${clientId}: refresh_token grant (rotated) with resource gives a JWT`, r.json);
  }

  // Device flow.
  const da = (await post(disco.device_authorization_endpoint, { scope: 'openid email' }, app)).json;
  check(da.device_code && da.user_code && da.verification_uri === `${issuer}/device`, 'device authorization', da);
  const pending = await post(token, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: da.device_code }, app);
  check(pending.json.error === 'authorization_pending', 'device token pending', pending.json);
  await approveDevice(issuer, da.user_code, { login: 'bob' });
  const dt = await post(token, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: da.device_code }, app);
  check(dt.status === 200 && dt.json.access_token && dt.json.refresh_token && decode(dt.json.id_token.split('.')[1]).sub === 'bob',
    'device flow completes', dt.json);

  console.log(`selftest: ok (${n} checks)`);
}

// -------------------------------------------------------------------- cli ---

function opt(args, name, dflt) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
}

async function main(argv) {
  const [cmd, ...args] = argv;
  switch (cmd) {
    case 'authorize': {
      const cb = await authorize(args[0], { login: opt(args, '--login', 'alice'), deny: args.includes('--deny') });
      console.log(`CALLBACK ${cb}`);
      if (args.includes('--deliver')) {
        const res = await fetch(cb, { redirect: 'manual' });
        console.log(`DELIVERED ${res.status}`);
      }
      break;
    }
    case 'device':
      await approveDevice(args[0].replace(/\/$/, ''), args[1], { login: opt(args, '--login', 'bob'), deny: args.includes('--deny') });
      console.log(args.includes('--deny') ? 'DENIED' : 'APPROVED');
      break;
    case 'selftest':
      await selftest(args[0].replace(/\/$/, ''));
      break;
    default:
      console.error('usage: node drive.js authorize <url> [--login NAME] [--deliver] [--deny] | device <issuer> <user_code> [--login NAME] [--deny] | selftest <issuer>');
      process.exit(2);
  }
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err.stack || String(err));
  process.exit(1);
});
