import { expect, test } from '@playwright/test'
import mongoose from 'mongoose'
import { openPage as open } from './open-page'

// The first account of the shared test database is whoever signed up first, so this test
// promotes its own admin directly in the database (PARLEY_TEST_MONGO_URI).
const unique = (prefix: string) => `${prefix}_${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`

test('an admin finds a user, bans them (their session ends) and makes someone else admin', async ({ page, playwright }) => {
  const adminName = unique('admin')
  const targetName = unique('target')
  const helperName = unique('helper')
  const password = 'a long enough password'
  const signUp = async (username: string) => {
    const response = await page.request.post('/api/auth/register', { data: { username, password } })
    expect(response.status()).toBe(201)
    return (await response.json()) as { accessToken: string, user: { id: string } }
  }
  const target = await signUp(targetName)
  await signUp(helperName)
  await signUp(adminName)
  const connection = await mongoose.createConnection(process.env.PARLEY_TEST_MONGO_URI!).asPromise()
  try {
    await connection.collection('users').updateOne({ usernameLower: adminName.toLowerCase() }, { $set: { role: 'admin' } })
  }
  finally {
    await connection.close()
  }

  await open(page, '/admin/users')
  await page.getByRole('textbox', { name: 'Search users' }).fill(targetName)
  const row = page.getByTestId('admin-user-row').filter({ hasText: targetName })
  await expect(row).toHaveCount(1)
  await row.getByRole('button', { name: `Ban ${targetName}` }).click()
  await expect(row.getByText('banned')).toBeVisible()

  const api = await playwright.request.newContext({ baseURL: process.env.PARLEY_TEST_BASE_URL })
  const me = await api.get('/api/auth/me', { headers: { authorization: `Bearer ${target.accessToken}` } })
  expect(me.status()).toBe(401)
  const login = await api.post('/api/auth/login', { data: { login: targetName, password } })
  expect(login.status()).toBe(403)
  await api.dispose()

  await page.getByRole('textbox', { name: 'Search users' }).fill(helperName)
  const helperRow = page.getByTestId('admin-user-row').filter({ hasText: helperName })
  await helperRow.getByRole('button', { name: `Make ${helperName} admin` }).click()
  await expect(helperRow.getByRole('button', { name: `Remove admin role of ${helperName}` })).toBeVisible()
})

test('a non-admin sees no user administration', async ({ page }) => {
  const response = await page.request.post('/api/auth/register', { data: { username: unique('plain'), password: 'a long enough password' } })
  expect(response.status()).toBe(201)
  const body = await response.json() as { user: { role: string } }
  test.skip(body.user.role === 'admin', 'this account happened to be the first of the database')
  await open(page, '/admin/users')
  await expect(page.getByText('Only administrators can manage users.')).toBeVisible()
  await expect(page.getByTestId('admin-user-row')).toHaveCount(0)
})
