// Loaded with --import: any attempt to open a network connection fails loudly.
import net from 'node:net';
import dns from 'node:dns';
const refuse = () => {
  throw new Error('network access attempted while the test forbids it');
};
net.Socket.prototype.connect = refuse;
dns.lookup = refuse;
globalThis.fetch = refuse;
