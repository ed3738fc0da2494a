// next-auth with one credentials user and the JWT strategy: the peer seshd is measured against.
import NextAuth from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';

export const authOptions = {
  secret: process.env.NEXTAUTH_SECRET,
  session: { strategy: 'jwt' },
  providers: [
    CredentialsProvider({
      name: 'Credentials',
      credentials: { username: { type: 'text' }, password: { type: 'password' } },
      async authorize(credentials) {
        if (credentials?.username === 'bench' && credentials?.password === 'plum otter zephyr quartz 91')
          return { id: '1', name: 'bench', email: 'bench@example.com' };
        return null;
      },
    }),
  ],
};

export default NextAuth(authOptions);
