// The test's Next.js app: next-auth 4 with @auth/pg-adapter on the database seshd uses, the
// database strategy, and an e-mail provider whose sendVerificationRequest hands the sign-in link
// to the test (a file in SESH_TEST_LINKS) instead of mailing it.
import { appendFileSync } from 'node:fs';
import PostgresAdapter from '@auth/pg-adapter';
import NextAuth from 'next-auth';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });

// next-auth's e-mail provider is this shape (type "email"); its own module needs nodemailer,
// which the test has no use for.
const linkToTheTest = {
  id: 'email',
  type: 'email',
  name: 'Email',
  maxAge: 600,
  async sendVerificationRequest({ identifier, url }) {
    appendFileSync(process.env.SESH_TEST_LINKS, `${JSON.stringify({ identifier, url })}\n`);
  },
};

export const authOptions = {
  secret: process.env.NEXTAUTH_SECRET,
  adapter: PostgresAdapter(pool),
  session: { strategy: 'database' },
  providers: [linkToTheTest],
};

export default NextAuth(authOptions);
