const SECRET_PARAMS = /([?&](?:access_token|input_token|fb_exchange_token|client_secret|appsecret_proof|admin_key)=)[^&]*/gi;

/** Masks secrets carried in a URL so it can be logged. */
export const redactUrl = (url: string): string => url.replace(SECRET_PARAMS, "$1[redacted]");
