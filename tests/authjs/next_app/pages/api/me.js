// getServerSession in a Next.js API route: the signed-in user as the app sees it, or 401.
import { getServerSession } from 'next-auth/next';
import { authOptions } from './auth/[...nextauth]';

export default async function me(req, res) {
  const session = await getServerSession(req, res, authOptions);
  if (!session) return res.status(401).json({ session: null });
  return res.status(200).json({ session });
}
