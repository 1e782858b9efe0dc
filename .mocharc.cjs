// Tests are compiled by `tsc` (which is also the typecheck) and run from dist/.
module.exports = {

  timeout: 20000,
  recursive: true,
  exit: true,
  'enable-source-maps': true,
};
