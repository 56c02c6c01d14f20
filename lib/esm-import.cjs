// import() for the ES modules a run loads on demand (tsx's loader for a .ts spec, the HCL parser).
// It lives outside the bundles: scripts/load-bundle.cjs runs them from a V8 code cache, and Node 20
// loses a cached script's dynamic-import callback ("A dynamic import callback was not specified"),
// so import() is called from this module, which Node loads itself. Bare specifiers resolve from
// the project's node_modules, as they would from the bundle.
"use strict";
module.exports = (specifier) => import(specifier);
