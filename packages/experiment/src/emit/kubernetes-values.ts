/**
 * The Kubernetes value formats the Job emitter checks: resource quantities and object names. The
 * API server checks them too, but only when the manifest is applied; checking here names the
 * option (`memory`, not `spec.template.spec.containers[0].resources.limits.memory`).
 *
 * References:
 * 1. apimachinery `pkg/api/resource/quantity.go`, the quantity grammar:
 *    `<signedNumber><suffix>`, suffix one of `Ki Mi Gi Ti Pi Ei`, `m "" k M G T P E`, or `e<signedNumber>`.
 *    https://github.com/kubernetes/apimachinery/blob/master/pkg/api/resource/quantity.go
 * 2. apimachinery `pkg/util/validation/validation.go`: `IsDNS1123Label` (≤ 63, `[a-z0-9]([-a-z0-9]*[a-z0-9])?`)
 *    and `IsDNS1123Subdomain` (≤ 253, labels joined by `.`).
 *    https://github.com/kubernetes/apimachinery/blob/master/pkg/util/validation/validation.go
 */

const binarySuffixes = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 } as const;
const decimalSuffixes = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 } as const;
/** Ref. 1 without the sign (a resource amount is never negative). */
const quantity = /^(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[mkMGTPE]|[eE][+-]?\d+)?$/;

/**
 * A Kubernetes quantity (ref. 1, unsigned) as a number of base units (bytes for memory, cores for
 * CPU), or `undefined` when `text` is not one. Floating point: fine for range checks, not for
 * arithmetic the API server would do exactly.
 *
 * @example
 * parseQuantity('16Gi'); // => 17179869184
 * parseQuantity('500m'); // => 0.5
 * parseQuantity('16GB'); // => undefined
 */
export function parseQuantity(text: string): number | undefined {
  const match = quantity.exec(text);
  if (match === null) return undefined;
  const number = Number(match[1]);
  const suffix = match[2] ?? '';
  // `E` alone is exa; `e`/`E` followed by digits is an exponent.
  if (/^[eE][+-]?\d+$/.test(suffix)) return number * 10 ** Number(suffix.slice(1));
  if (suffix in binarySuffixes) return number * binarySuffixes[suffix as keyof typeof binarySuffixes];
  return number * decimalSuffixes[suffix as keyof typeof decimalSuffixes];
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS-1123 label (ref. 2): a Job, container, volume or namespace name. */
export function isDnsLabel(text: string): boolean {
  return text.length <= 63 && dnsLabel.test(text);
}

/** A DNS-1123 subdomain (ref. 2): a PersistentVolumeClaim name. */
export function isDnsSubdomain(text: string): boolean {
  return text.length <= 253 && text.split('.').every((label) => dnsLabel.test(label));
}
