import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowsDetails, capBody, describeBody, parseHeaderBlock, pickHeaders } from '../../src/network';

test('details are allowed by URL prefix or RegExp only', () => {
  const allow = ['https://api.example.com/v1/', /\/graphql$/];
  assert.equal(allowsDetails('https://api.example.com/v1/cart', allow), true);
  assert.equal(allowsDetails('https://shop.example.com/graphql', allow), true);
  assert.equal(allowsDetails('https://api.example.com/v2/cart', allow), false);
  assert.equal(allowsDetails('https://api.example.com/v1/cart', []), false);
});

test('bodies are cut at the cap and say how much was cut', () => {
  assert.equal(capBody('abc', 5), 'abc');
  assert.equal(capBody('abcdefgh', 5), 'abcde… [3 more characters]');
});

test('only allowed headers are kept, names lower-cased; none kept gives undefined', () => {
  const allowed = new Set(['content-type', 'x-request-id']);
  assert.deepEqual(
    pickHeaders([['Content-Type', 'application/json'], ['Authorization', 'Bearer s3cret'], ['X-Request-Id', '7']], allowed),
    { 'content-type': 'application/json', 'x-request-id': '7' },
  );
  assert.equal(pickHeaders([['Cookie', 'a=b']], allowed), undefined);
});

test("an XHR's header block is split into name/value pairs", () => {
  assert.deepEqual(parseHeaderBlock('content-type: text/plain\r\nx-a: 1: 2\r\n'), [
    ['content-type', 'text/plain'],
    ['x-a', '1: 2'],
  ]);
  assert.deepEqual(parseHeaderBlock(''), []);
});

test('request body sizes are known for text and binary bodies, text only for text', () => {
  assert.deepEqual(describeBody('héllo'), { bytes: 6, text: 'héllo' });
  assert.deepEqual(describeBody(new URLSearchParams({ q: 'a b' })), { bytes: 5, text: 'q=a+b' });
  assert.deepEqual(describeBody(new Uint8Array(7)), { bytes: 7 });
  assert.deepEqual(describeBody(new ArrayBuffer(3)), { bytes: 3 });
  assert.deepEqual(describeBody(null), {});
});
