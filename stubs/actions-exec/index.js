// @actions/core imports @actions/exec only for core.platform.getDetails(), which runs sw_vers,
// lsb_release or PowerShell to name the OS. This action never calls it, so the bundle carries this
// stand-in instead of @actions/exec and @actions/io (tsconfig.json's "paths" points ncc here).
// Should anything call it, it fails loudly rather than quietly.
function leftOut() {
  throw new Error(
    '@actions/exec is left out of this bundle: core.platform.getDetails() is not supported'
  )
}
export const exec = leftOut
export const getExecOutput = leftOut
