// SPDX-License-Identifier: MIT
// An independent receipt implementation for the cross-check tests: RFC 8785 from the
// canonicalize package and Ed25519 from Node's crypto module, none of llmring's code.
//
//   node crosscheck.mjs canonicalize FILE           print the canonical form of FILE's JSON
//   node crosscheck.mjs verify FILE PUBLIC_KEY      exit 0 when the receipt in FILE verifies
//   node crosscheck.mjs sign FILE KEY_ID            sign the receipt in FILE with a new key and
//                                                   print {"receipt": ..., "public_key": ...}
import canonicalize from 'canonicalize';
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';

// DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 key bytes follow it.
const spkiPrefix = Buffer.from('302a300506032b6570032100', 'hex');

const [mode, file, argument] = process.argv.slice(2);
const document = JSON.parse(readFileSync(file, 'utf8'));

if (mode === 'canonicalize') {
    process.stdout.write(canonicalize(document) + '\n');
} else if (mode === 'verify') {
    const { signature, ...members } = document;
    const key = createPublicKey({
        key: Buffer.concat([spkiPrefix, Buffer.from(argument, 'base64url')]), format: 'der', type: 'spki' });
    const signatureBytes = Buffer.from(signature.slice('ed25519:'.length), 'base64url');
    const valid = verify(null, Buffer.from(canonicalize(members), 'utf8'), key, signatureBytes);
    process.stdout.write(valid ? 'valid\n' : 'invalid\n');
    process.exit(valid ? 0 : 1);
} else if (mode === 'sign') {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const members = { ...document, key_id: argument };
    delete members.signature;
    const signatureBytes = sign(null, Buffer.from(canonicalize(members), 'utf8'), privateKey);
    const publicBytes = publicKey.export({ format: 'der', type: 'spki' }).subarray(spkiPrefix.length);
    process.stdout.write(JSON.stringify({
        receipt: { ...members, signature: 'ed25519:' + signatureBytes.toString('base64url') },
        public_key: publicBytes.toString('base64url'),
    }) + '\n');
} else {
    process.stderr.write(`unknown mode ${mode}\n`);
    process.exit(2);
}
