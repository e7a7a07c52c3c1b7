// The toolkit's public API, imported by notebooks/kernel/preload.mjs when the kernel started.
const api = globalThis[Symbol.for('cohorte.api')];
if (!api) {
  throw new Error("The cohorte API is not loaded: run this notebook with the 'cohorte' kernel (bash notebooks/run.sh --install), not a plain tslab kernel.");
}
module.exports = api;
