import test from 'ava';
import { PNG, phones, waitFor } from '../groups/helpers.ts';

const IMAGE = PNG.toString('base64');
const OTHER_IMAGE = Buffer.concat([PNG, Buffer.from([0])]).toString('base64');

async function addProduct(p: Awaited<ReturnType<typeof phones>>, fields: Record<string, unknown> = {}) {
  const res = await p.d.api('alice', 'POST', 'add-product', {
    name: 'Coffee',
    image: IMAGE,
    description: 'Fresh beans',
    price: '8890',
    url: 'https://example.com/coffee',
    retailerId: 'SKU001',
    ...fields,
  });
  if (res.status !== 201) throw new Error(`add-product answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.response;
}

test('add-product, get-products and get-product-by-id: envelopes, and another session sees the product', async (t) => {
  const p = await phones(t);
  const added = await p.d.api('alice', 'POST', 'add-product', {
    name: 'Coffee',
    image: IMAGE,
    description: 'Fresh beans',
    price: '8890',
    retailerId: 'SKU001',
  });
  t.is(added.status, 201);
  t.is(added.body.status, 'success');
  const product = added.body.response;
  t.like(product, {
    name: 'Coffee',
    price: '8890',
    currency: 'BRL',
    retailer_id: 'SKU001',
    is_hidden: false,
  });
  t.is(product.image_cdn_urls.length, 2);

  const list = await p.d.api('bob', 'GET', `get-products?phone=${p.numbers.alice}&qnt=5`);
  t.is(list.status, 201);
  t.is(list.body.status, 'success');
  t.deepEqual(
    list.body.response.map((x: any) => x.name),
    ['Coffee'],
  );
  const one = await p.d.api('bob', 'GET', `get-product-by-id?phone=${p.numbers.alice}&id=${product.id}`);
  t.is(one.status, 201);
  t.is(one.body.response.id, product.id);

  // missing parameters: wppconnect-server's 401 {message}
  const noImage = await p.d.api('alice', 'POST', 'add-product', { name: 'x', price: 1 });
  t.is(noImage.status, 401);
  t.like(noImage.body, { message: 'name, price and image was not informed' });
  const noPhone = await p.d.api('alice', 'GET', 'get-products');
  t.is(noPhone.status, 401);
  t.like(noPhone.body, { message: 'Please send the contact number you wish to return the products.' });
  t.is((await p.d.api('alice', 'GET', `get-product-by-id?phone=${p.numbers.alice}`)).status, 401);
  t.is(
    (await p.d.api('alice', 'POST', 'add-product', { name: 'x', image: IMAGE, price: 'abc' })).status,
    400,
  );
  t.is((await p.d.api('alice', 'POST', 'add-product', { name: 'x', image: '%%%', price: 1 })).status, 400);
  const unknown = await p.d.api('bob', 'GET', `get-product-by-id?phone=${p.numbers.alice}&id=999`);
  t.is(unknown.status, 404);
  t.like(unknown.body, { status: 'Error', message: 'Error on get product' });
});

test('edit-product, visibility and del-products: effects seen by another session', async (t) => {
  const p = await phones(t);
  const product = await addProduct(p);

  const edited = await p.d.api('alice', 'POST', 'edit-product', {
    id: product.id,
    options: { name: 'Espresso', price: 9990 },
  });
  t.is(edited.status, 201);
  t.like(edited.body.response, { name: 'Espresso', price: '9990' });
  const seen = await p.d.api('bob', 'GET', `get-product-by-id?phone=${p.numbers.alice}&id=${product.id}`);
  t.is(seen.body.response.name, 'Espresso');

  const hidden = await p.d.api('alice', 'POST', 'set-product-visibility', { id: product.id, value: false });
  t.is(hidden.status, 201); // wppconnect-server refused false as "not informed"
  t.true(hidden.body.response.is_hidden);
  t.deepEqual((await p.d.api('bob', 'GET', `get-products?phone=${p.numbers.alice}`)).body.response, []);
  t.is((await p.d.api('alice', 'GET', `get-products?phone=${p.numbers.alice}`)).body.response.length, 1);
  await p.d.api('alice', 'POST', 'set-product-visibility', { id: product.id, value: true });
  t.is((await p.d.api('bob', 'GET', `get-products?phone=${p.numbers.alice}`)).body.response.length, 1);

  const deleted = await p.d.api('alice', 'POST', 'del-products', { id: [product.id] });
  t.is(deleted.status, 201);
  t.is(deleted.body.status, 'success');
  t.deepEqual((await p.d.api('bob', 'GET', `get-products?phone=${p.numbers.alice}`)).body.response, []);

  t.like((await p.d.api('alice', 'POST', 'edit-product', { id: product.id })).body, {
    message: 'productId or options was not informed',
  });
  t.is((await p.d.api('alice', 'POST', 'set-product-visibility', { id: product.id })).status, 401);
  t.is((await p.d.api('alice', 'POST', 'del-products', {})).status, 401);
  t.is((await p.d.api('alice', 'POST', 'del-products', { id: product.id })).status, 404);
});

test('product images: change, add and remove', async (t) => {
  const p = await phones(t);
  const product = await addProduct(p);
  const first = product.image_hashes_for_whatsapp[0];

  const changed = await p.d.api('alice', 'POST', 'change-product-image', {
    id: product.id,
    base64: OTHER_IMAGE,
  });
  t.is(changed.status, 201);
  t.not(changed.body.response.image_hashes_for_whatsapp[0], first);
  const added = await p.d.api('alice', 'POST', 'add-product-image', { id: product.id, base64: IMAGE });
  t.is(added.status, 201);
  const seen = await p.d.api('bob', 'GET', `get-product-by-id?phone=${p.numbers.alice}&id=${product.id}`);
  t.is(seen.body.response.additional_image_cdn_urls.length, 1);
  const removed = await p.d.api('alice', 'POST', 'remove-product-image', { id: product.id, index: 1 });
  t.is(removed.status, 201);
  t.is(removed.body.response.image_hashes_for_whatsapp.length, 1);

  t.like((await p.d.api('alice', 'POST', 'add-product-image', { id: product.id })).body, {
    message: 'productId and base64 was not informed',
  });
  t.is((await p.d.api('alice', 'POST', 'change-product-image', { base64: IMAGE })).status, 401);
  t.like((await p.d.api('alice', 'POST', 'remove-product-image', { id: product.id })).body, {
    message: 'productId and index image was not informed',
  });
  t.is((await p.d.api('alice', 'POST', 'remove-product-image', { id: product.id, index: 5 })).status, 404);
});

test('collections: create, get, edit and delete', async (t) => {
  const p = await phones(t);
  const coffee = await addProduct(p);
  const tea = await addProduct(p, { name: 'Tea', retailerId: 'SKU002' });

  const created = await p.d.api('alice', 'POST', 'create-collection', {
    name: 'Drinks',
    products: [coffee.id],
  });
  t.is(created.status, 201);
  t.like(created.body.response, { name: 'Drinks' });
  const id = created.body.response.id;

  const listed = await p.d.api('bob', 'GET', `get-collections?phone=${p.numbers.alice}&qnt=10&max=10`);
  t.is(listed.status, 201);
  t.deepEqual(
    listed.body.response.map((c: any) => [c.name, c.products.map((x: any) => x.name)]),
    [['Drinks', ['Coffee']]],
  );

  const edited = await p.d.api('alice', 'POST', 'edit-collection', {
    id,
    options: { name: 'Hot drinks', products: [coffee.id, tea.id] },
  });
  t.is(edited.status, 201);
  const after = await p.d.api('bob', 'GET', `get-collections?phone=${p.numbers.alice}`);
  t.deepEqual(
    after.body.response[0].products.map((x: any) => x.name),
    ['Coffee', 'Tea'],
  );
  t.is(after.body.response[0].name, 'Hot drinks');

  const deleted = await p.d.api('alice', 'POST', 'del-collection', { id });
  t.is(deleted.status, 201);
  t.deepEqual((await p.d.api('bob', 'GET', `get-collections?phone=${p.numbers.alice}`)).body.response, []);

  t.like((await p.d.api('alice', 'POST', 'create-collection', { name: 'x' })).body, {
    message: 'name or products was not informed',
  });
  t.like((await p.d.api('alice', 'POST', 'edit-collection', { id })).body, {
    message: 'id or options was not informed',
  });
  t.like((await p.d.api('alice', 'POST', 'del-collection', {})).body, { message: 'id was not informed' });
  t.like((await p.d.api('alice', 'GET', 'get-collections')).body, { message: 'phone was not informed' });
  t.is((await p.d.api('alice', 'POST', 'del-collection', { id })).status, 404);
});

test('set-cart-enabled and edit-business-profile change the business settings', async (t) => {
  const p = await phones(t, ['alice']);
  const off = await p.d.api('alice', 'POST', 'set-cart-enabled', { enabled: false });
  t.is(off.status, 201);
  t.deepEqual(off.body.response, { cartEnabled: false });
  const stored = () =>
    p.network.getEntity<{ cartEnabled: boolean; profile: Record<string, unknown> }>(
      'alice',
      'business',
      'profile',
    );
  t.false(stored()?.cartEnabled);
  t.like((await p.d.api('alice', 'POST', 'set-cart-enabled', {})).body, {
    message: 'enabled (false, true) was not informed',
  });

  const edited = await p.d.api('alice', 'POST', 'edit-business-profile', {
    adress: 'Street 1',
    email: 'shop@example.com',
    website: ['https://example.com'],
  });
  t.is(edited.status, 200);
  t.is(edited.body.address, 'Street 1'); // RAW
  t.is(stored()?.profile.email, 'shop@example.com');
  t.is((await p.d.api('alice', 'POST', 'edit-business-profile', { website: 'not-an-array' })).status, 400);
});

test('get-business-profiles-products and get-order-by-messageId use the info envelope', async (t) => {
  const p = await phones(t);
  await addProduct(p);
  const profiles = await p.d.api('bob', 'GET', `get-business-profiles-products?phone=${p.numbers.alice}`);
  t.is(profiles.status, 201);
  t.like(profiles.body, {
    status: 'Success',
    response: { message: 'Information retrieved successfully.', contact: p.numbers.alice, session: 'bob' },
  });
  t.is(profiles.body.response.data[0][0].name, 'Coffee');
  t.is((await p.d.api('bob', 'GET', 'get-business-profiles-products')).status, 400);

  const order = await p.d.api('alice', 'POST', 'send-order-message', {
    phone: p.numbers.bob,
    items: [{ type: 'custom', name: 'Coffee', price: 8890, qnt: 2 }],
  });
  t.is(order.status, 201);
  const sentId = order.body.response[0].id;
  const own = await p.d.api('alice', 'GET', `get-order-by-messageId/${sentId}`);
  t.is(own.status, 201);
  t.like(own.body, { status: 'Success', response: { contact: null, session: 'alice' } });
  t.like(own.body.response.data, { itemCount: 2, subtotal: 17780, currency: 'BRL' });
  t.is(own.body.response.data.products[0].name, 'Coffee');

  // bob reads the order from his copy of the message
  const copy = await waitFor(async () =>
    p.network.chatMessages('bob', `${p.numbers.alice}@c.us`).find((m) => m.type === 'order'),
  );
  const received = await p.d.api('bob', 'GET', `get-order-by-messageId/${copy.id}`);
  t.is(received.status, 201);
  t.is(received.body.response.data.sellerJid, `${p.numbers.alice}@c.us`);

  const unknown = await p.d.api('bob', 'GET', 'get-order-by-messageId/false_nothing_here');
  t.is(unknown.status, 404);
  t.like(unknown.body, {
    status: 'Error',
    response: { message: 'Error retrieving information', session: 'bob' },
  });
});
