// Runs bin/simspec.js with the given arguments and, on exit, appends its peak RSS to stderr as
// "@@maxrss <kilobytes>" so the hostile-input tests can bound memory without a native helper.
'use strict';
process.on('exit', () => {
  process.stderr.write(`\n@@maxrss ${process.resourceUsage().maxRSS}\n`);
});
// SIMSPEC_HOSTILE_BIN runs another build (e.g. main's) through the same cases, for before/after tables.
require(process.env.SIMSPEC_HOSTILE_BIN || require('node:path').join(__dirname, '..', '..', 'bin', 'simspec.js'));
