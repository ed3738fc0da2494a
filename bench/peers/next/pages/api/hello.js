// The guides' getServerSession sample.
import { getServerSession } from 'next-auth/next';
import { authOptions } from './auth/[...nextauth]';

export default async function handler(req, res) {
  const session = await getServerSession(req, res, authOptions);
  if (!session) return res.status(401).json({ message: 'Not authenticated' });
  res.json({ message: `Hello, ${session.user.name}` });
}
