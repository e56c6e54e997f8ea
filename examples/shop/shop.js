// The demo shop: a catalogue, product pages and a cart kept in localStorage.
var PRODUCTS = [
  { id: 'mug', name: 'Replay Mug', price: 12.5, colour: '#c0392b', blurb: 'Holds coffee while you watch sessions.' },
  { id: 'tee', name: 'Session T-shirt', price: 24, colour: '#2c3e50', blurb: 'Soft cotton, printed with a timeline.' },
  { id: 'cap', name: 'Heatmap Cap', price: 18, colour: '#e67e22', blurb: 'Shows where everyone clicks.' },
  { id: 'note', name: 'Funnel Notebook', price: 8.9, colour: '#27ae60', blurb: 'Sketch your checkout steps.' },
  { id: 'socks', name: 'Rage-click Socks', price: 9.5, colour: '#8e44ad', blurb: 'Three clicks, one pair.' },
  { id: 'bag', name: 'Keyframe Tote', price: 15, colour: '#16a085', blurb: 'Carries the most eventful moments.' },
];

function findProduct(id) {
  return PRODUCTS.find(function (p) { return p.id === id; });
}
function money(n) {
  return '€' + n.toFixed(2);
}
function loadCart() {
  try {
    return JSON.parse(localStorage.getItem('shop_cart') || '{}');
  } catch (e) {
    return {};
  }
}
function saveCart(cart) {
  localStorage.setItem('shop_cart', JSON.stringify(cart));
  renderCartCount();
}
function addToCart(id, qty) {
  var cart = loadCart();
  cart[id] = (cart[id] || 0) + qty;
  saveCart(cart);
}
function cartLines() {
  var cart = loadCart();
  return Object.keys(cart)
    .filter(function (id) { return findProduct(id) && cart[id] > 0; })
    .map(function (id) { return { product: findProduct(id), qty: cart[id] }; });
}
function cartTotal() {
  return cartLines().reduce(function (t, l) { return t + l.product.price * l.qty; }, 0);
}
function el(tag, attrs, children) {
  var e = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (k) {
    if (k === 'text') e.textContent = attrs[k];
    else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), attrs[k]);
    else e.setAttribute(k, attrs[k]);
  });
  (children || []).forEach(function (c) { e.appendChild(c); });
  return e;
}
function swatch(p) {
  var s = el('div', { class: 'swatch', 'aria-hidden': 'true' });
  s.style.background = p.colour;
  s.textContent = p.name.charAt(0);
  return s;
}
function renderCartCount() {
  var n = cartLines().reduce(function (t, l) { return t + l.qty; }, 0);
  document.querySelectorAll('.cart-count').forEach(function (c) { c.textContent = String(n); });
}

function renderCatalogue(root) {
  PRODUCTS.forEach(function (p) {
    root.appendChild(
      el('article', { class: 'card' }, [
        swatch(p),
        el('h2', {}, [el('a', { href: 'product.html?id=' + p.id, text: p.name })]),
        el('p', { class: 'price', text: money(p.price) }),
        el('button', { class: 'add', 'data-id': p.id, text: 'Add to cart', onclick: function () { addToCart(p.id, 1); } }),
      ])
    );
  });
}

function renderProduct(root) {
  var p = findProduct(new URLSearchParams(location.search).get('id'));
  if (!p) {
    // a broken link in the shop: worth seeing in the replay's console
    console.error('Unknown product', location.search);
    root.appendChild(el('p', { text: 'This product does not exist.' }));
    return;
  }
  document.title = p.name + ' · Incuera Shop';
  var qty = el('input', { id: 'qty', type: 'number', min: '1', value: '1' });
  root.appendChild(
    el('div', { class: 'product' }, [
      swatch(p),
      el('div', {}, [
        el('h1', { text: p.name }),
        el('p', { text: p.blurb }),
        el('p', { class: 'price', text: money(p.price) }),
        el('label', { for: 'qty', text: 'Quantity ' }),
        qty,
        el('button', {
          id: 'add-to-cart',
          text: 'Add to cart',
          onclick: function () {
            addToCart(p.id, Math.max(1, parseInt(qty.value, 10) || 1));
            document.getElementById('added').hidden = false;
          },
        }),
        el('p', { id: 'added', class: 'notice', hidden: '', text: 'Added. ' }, [el('a', { href: 'cart.html', text: 'Go to cart →' })]),
      ]),
    ])
  );
}

function renderCart(root) {
  root.textContent = '';
  var lines = cartLines();
  if (!lines.length) {
    root.appendChild(el('p', {}, [document.createTextNode('Your cart is empty. '), el('a', { href: 'index.html', text: 'Browse the shop' })]));
    return;
  }
  var rows = lines.map(function (l) {
    return el('tr', {}, [
      el('td', { text: l.product.name }),
      el('td', { text: String(l.qty) }),
      el('td', { text: money(l.product.price * l.qty) }),
      el('td', {}, [
        el('button', {
          class: 'remove',
          text: 'Remove',
          onclick: function () {
            var cart = loadCart();
            delete cart[l.product.id];
            saveCart(cart);
            renderCart(root);
          },
        }),
      ]),
    ]);
  });
  root.appendChild(el('table', { class: 'cart' }, [el('tbody', {}, rows)]));
  root.appendChild(el('p', { class: 'total', text: 'Total: ' + money(cartTotal()) }));
  root.appendChild(el('a', { class: 'button', id: 'to-checkout', href: 'checkout.html', text: 'Checkout' }));
}

function setupCheckout(form) {
  document.getElementById('checkout-total').textContent = money(cartTotal());
  form.addEventListener('input', function () {
    // echo of personal data: masked in recordings via data-private
    document.getElementById('summary-name').textContent = form.elements.name.value;
    document.getElementById('summary-email').textContent = form.elements.email.value;
  });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var card = form.elements.card.value.replace(/\s+/g, '');
    if (!/^\d{12,19}$/.test(card)) {
      console.error('Checkout: card number rejected by validation');
      document.getElementById('checkout-error').hidden = false;
      return;
    }
    localStorage.setItem('shop_user', form.elements.email.value);
    if (window.incuera) window.incuera.identify(form.elements.email.value, form.elements.email.value);
    localStorage.removeItem('shop_cart');
    location.href = 'index.html?ordered=1';
  });
  document.getElementById('buy-now').addEventListener('click', function () {
    // the demo's deliberate bug: an uncaught error the analysis should report
    throw new Error('Payment provider unavailable (demo error)');
  });
}

document.addEventListener('DOMContentLoaded', function () {
  renderCartCount();
  var page = document.body.getAttribute('data-page');
  if (page === 'catalogue') {
    renderCatalogue(document.getElementById('catalogue'));
    if (new URLSearchParams(location.search).has('ordered')) document.getElementById('ordered').hidden = false;
  }
  if (page === 'product') renderProduct(document.getElementById('product'));
  if (page === 'cart') renderCart(document.getElementById('cart'));
  if (page === 'checkout') setupCheckout(document.getElementById('checkout-form'));
});
