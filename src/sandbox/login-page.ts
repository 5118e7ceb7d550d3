/**
 * The sandbox's login page, in place of the bank's login and SMS OTP screens (BANK Sandbox: "enter OTP SMS =
 * 12345678 for all persona"): a PSU id, the OTP, and the authorize request's own parameters carried along in hidden
 * fields. Every value written into the page is HTML-escaped; the page loads nothing and runs no script.
 */

/** The one OTP the bank's sandbox accepts, for every persona. */
export const SANDBOX_OTP = '12345678'

/** The authorize request's parameters, carried from the GET to the POST unchanged. */
export const AUTHORIZE_PARAMETERS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state'] as const

export interface LoginPageInput {
  /** The authorize request's parameters as received (absent ones are left out). */
  request: URLSearchParams
  /** The PSU id typed last time, shown again after a refusal. */
  psuId?: string
  /** Why the last attempt was refused. */
  message?: string
  /** Hints for a person trying the sandbox: the personas' ids and names. */
  personas: readonly { psuId: string; name: string }[]
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character)
}

/** Headers for the page: no caching of a login form, no framing, nothing loaded from anywhere. */
export const LOGIN_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
}

export function loginPage(input: LoginPageInput): string {
  const hidden = AUTHORIZE_PARAMETERS.flatMap((name) => {
    const value = input.request.get(name)
    return value === null ? [] : [`<input type="hidden" name="${name}" value="${escapeHtml(value)}">`]
  }).join('\n      ')
  const message = input.message === undefined ? '' : `<p class="error" role="alert">${escapeHtml(input.message)}</p>`
  const personas = input.personas
    .map(({ psuId, name }) => `<li><code>${escapeHtml(psuId)}</code> ${escapeHtml(name)}</li>`)
    .join('\n        ')
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Sandbox bank: log in</title>
    <style>
      body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 3rem auto; padding: 0 1rem; }
      label { display: block; margin-top: 1rem; }
      input[type=text], input[type=password] { width: 100%; padding: .4rem; font-size: 1rem; }
      button { margin-top: 1.5rem; padding: .5rem 1.5rem; font-size: 1rem; }
      .error { color: #a00; }
      details { margin-top: 2rem; color: #555; }
    </style>
  </head>
  <body>
    <h1>Sandbox bank</h1>
    <p>Log in as a sandbox persona to let the application read your accounts.</p>
    ${message}
    <form method="post" action="" autocomplete="off">
      ${hidden}
      <label for="psu">PSU id</label>
      <input type="text" id="psu" name="psu" required value="${escapeHtml(input.psuId ?? '')}">
      <label for="otp">One-time password (SMS)</label>
      <input type="password" id="otp" name="otp" required inputmode="numeric">
      <button type="submit" id="login">Log in and authorise</button>
    </form>
    <details>
      <summary>Sandbox personas (OTP ${SANDBOX_OTP})</summary>
      <ul>
        ${personas}
      </ul>
    </details>
  </body>
</html>
`
}
