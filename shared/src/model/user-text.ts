// Text a user types (an API key's name...), as every route takes it: a string of well-formed
// Unicode. A lone surrogate ("\ud800x" in JSON, %ED%A0%80 in a query) has no UTF-8 encoding:
// Firestore refuses it with INVALID_ARGUMENT (a 500 if it got that far), and a log line or a JSON
// answer would carry U+FFFD in its place. So it is a 400 at the edge, before anything is stored.
import { z } from 'zod';

export const UserText = z.string().refine((s) => s.isWellFormed(), { message: 'Must be well-formed Unicode text (no lone surrogates)' });
export type UserText = z.infer<typeof UserText>;
