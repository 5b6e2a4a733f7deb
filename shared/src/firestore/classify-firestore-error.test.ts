// Which Firestore failures the applier retries: real errors from the emulator where one can be
// provoked, and every gRPC status for the table itself.
import { afterAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { testFirestore } from '../testing/emulator.js';
import { classifyFirestoreError, GrpcStatus, grpcStatusOf, type GrpcStatusName } from './classify-firestore-error.js';

const db = testFirestore();
afterAll(async () => {
  await db.terminate();
});

async function failureOf(write: () => Promise<unknown>): Promise<unknown> {
  try {
    await write();
  } catch (err) {
    return err;
  }
  throw new Error('the write succeeded');
}

const grpcError = (name: GrpcStatusName, message = `${GrpcStatus[name]} ${name}: injected`) =>
  Object.assign(new Error(message), { code: GrpcStatus[name] });

describe('classifyFirestoreError', () => {
  it('calls the emulator refusing a path made of a non-Stripe id (customers/../../x) permanent', async () => {
    const err = await failureOf(() => db.collection('customers').doc('../../x').set({ n: 1 }));
    expect(grpcStatusOf(err)).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(classifyFirestoreError(err)).toBe('permanent');
  });

  it('calls the emulator refusing a document over 1 MiB permanent', async () => {
    const err = await failureOf(() =>
      db
        .collection('big')
        .doc('a')
        .set({ text: 'x'.repeat(1_100_000) }),
    );
    expect(grpcStatusOf(err)).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(classifyFirestoreError(err)).toBe('permanent');
  });

  const permanent: GrpcStatusName[] = ['INVALID_ARGUMENT', 'OUT_OF_RANGE'];
  it.each(Object.keys(GrpcStatus) as GrpcStatusName[])('classifies %s', (name) => {
    expect(classifyFirestoreError(grpcError(name))).toBe(permanent.includes(name) ? 'permanent' : 'transient');
  });

  it('retries the expired transaction that Firestore reports as INVALID_ARGUMENT, as the SDK does', () => {
    expect(
      classifyFirestoreError(
        grpcError('INVALID_ARGUMENT', '3 INVALID_ARGUMENT: The referenced transaction has expired or is no longer valid.'),
      ),
    ).toBe('transient');
  });

  it('retries the transaction the emulator closed under contention (INVALID_ARGUMENT "Transaction is invalid or closed")', () => {
    expect(classifyFirestoreError(grpcError('INVALID_ARGUMENT', '3 INVALID_ARGUMENT: Transaction is invalid or closed.'))).toBe(
      'transient',
    );
    expect(classifyFirestoreError(grpcError('INVALID_ARGUMENT', '3 INVALID_ARGUMENT: Document name "x" has invalid trailing "/".'))).toBe(
      'permanent',
    );
  });

  it('leaves errors that are not gRPC errors to be retried (Stripe, network, anything else)', () => {
    const stripeError = new Stripe.errors.StripeInvalidRequestError({
      message: 'No such customer',
      type: 'invalid_request_error',
      code: 'resource_missing',
      statusCode: 404,
    });
    expect(grpcStatusOf(stripeError)).toBeUndefined();
    expect(classifyFirestoreError(stripeError)).toBe('transient');
    expect(classifyFirestoreError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('transient');
    expect(classifyFirestoreError('not an error')).toBe('transient');
  });
});
