// The Express + iron-session peer: the iron-session guide's /api/user, plus /api/login and the
// getServerSession-style /api/hello, so it answers the same requests as seshd in `make bench`.
import express from 'express';
import { getIronSession } from 'iron-session';

const port = Number(process.env.PORT ?? 3001);
const options = {
  password: process.env.SESSION_SECRET ?? 'a-bench-secret-of-at-least-32-characters!',
  cookieName: 'iron-session',
  cookieOptions: { secure: false },
};

const app = express();
app.use(express.json());

app.get('/api/user', async (req, res) => {
  const session = await getIronSession(req, res, options);
  res.json({ user: session.user ?? null });
});
app.post('/api/user', async (req, res) => {
  const session = await getIronSession(req, res, options);
  session.user = req.body.user;
  await session.save();
  res.json({ message: 'Session saved' });
});
app.post('/api/login', async (req, res) => {
  const session = await getIronSession(req, res, options);
  session.user = { name: req.body.username };
  await session.save();
  res.json({ message: 'Login successful' });
});
app.get('/api/hello', async (req, res) => {
  const session = await getIronSession(req, res, options);
  if (!session.user) return res.status(401).json({ message: 'Not authenticated' });
  res.json({ message: `Hello, ${session.user.name}` });
});

app.listen(port, '127.0.0.1');
