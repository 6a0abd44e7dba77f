// Starts Verdaccio through its API and prints the port it listens on. Verdaccio 6's CLI refuses
// Node < 22; its server runs fine on the Node 20 this project supports.
'use strict';
const { runServer } = require('verdaccio');

runServer(process.argv[2]).then((app) => {
  const server = app.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
});
