// This module never calls eval(input) or new Function(body): see the docs.
/* It used to require('child_process') and exec('rm -rf /'), not any more. */
const doc = "Use require('child_process') to start programs; never eval(userInput).";
const help = 'Credentials live in ~/.aws, never in this file.';
module.exports = function describe() { return doc + help; };
