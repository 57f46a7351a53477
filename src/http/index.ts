import { HttpClient } from './client.ts'
import type { HttpClientOptions } from './types.ts'

/**
 * `http.client(url, options)`: an HTTP load client for loopback or allowlisted targets.
 * Requests record `http_req_duration{endpoint:…}`, `http_reqs`, `http_req_failed`,
 * `http_req_size`, `http_res_size`, `checks{check:…}` and `http_req_errors{kind:…}` into ctx.
 */
export const http = {
  client(url: string | URL, options?: HttpClientOptions): HttpClient {
    return new HttpClient(url, options)
  },
}

export { HttpClient, MAX_ENDPOINTS } from './client.ts'
export { PerfHttpHostError, PerfHttpConfigError, PerfHttpRequestError, PerfHttpCheckError, PerfHttpUsageError } from './errors.ts'
export { ALLOW_HOSTS_ENV } from './hosts.ts'
export type {
  HttpClientOptions,
  RequestOptions,
  RequestSpec,
  RequestTemplate,
  HttpResponse,
  CheckSpec,
  StatusCheck,
  BodyCheck,
  HttpMethod,
  Dynamic,
  Duration,
  TemplateVars,
} from './types.ts'
export type { HttpFailureCode } from './errors.ts'
