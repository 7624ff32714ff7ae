#!/usr/bin/env node
console.log('peerlink');
