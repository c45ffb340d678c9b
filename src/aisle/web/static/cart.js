/* Aisle cart screen: the tablet on the cart handle.
 *
 * The screen is a view of the server's cart state and nothing more. It never polls and never
 * computes a price: every amount shown is a decimal string from the server, pushed over the
 * cart's WebSocket (or returned by the event just posted). What the screen does on its own:
 *
 * - pairing: the device token arrives once in the URL fragment (#device=TOKEN) and is kept in
 *   localStorage, out of the address bar;
 * - trips: it opens a cart with the device token and keeps {cart_id, token} so a reload resumes
 *   the same trip;
 * - scanning: a USB scanner "types" digits and Enter anywhere on the page; those keystrokes are
 *   buffered and posted as a scan event;
 * - delivery: every event carries an event_id; after a network failure it is resent with the
 *   same id, which the server uses to apply it exactly once;
 * - the map: drawn by the server as SVG (the product pinned, the cart, the route), shown as is.
 */
"use strict";

(() => {
  const KEY_DEVICE = "aisle.device";
  const KEY_CART = "aisle.cart";
  const API = "/api/v1";
  const STORE_CURRENCY = document.body.dataset.currency || "EUR";

  const $ = (id) => document.getElementById(id);

  const state = {
    device: null,
    cart: null, // {cart_id, token} of the trip in progress
    current: null, // the last cart state rendered
    view: "starting",
    socket: null,
    socketTimer: null,
    socketFailures: 0,
    receiptId: null,
    pendingQty: new Map(), // line_id -> {target, inflight}: quantity taps not yet answered
    flash: { lineId: null, until: 0 },
    confirmLine: null,
    weightCode: null,
  };

  /* ------------------------------------------------------------------ formatting (no arithmetic) */

  // Where the symbol goes; the amount itself is always the server's decimal string, untouched.
  const PREFIX = { EUR: "€", USD: "$", GBP: "£", JPY: "¥", CHF: "CHF ", CAD: "CA$", AUD: "A$" };
  const SUFFIX = { SEK: " kr", NOK: " kr", DKK: " kr", PLN: " zł", CZK: " Kč", HUF: " Ft" };

  function money(amount, currency = STORE_CURRENCY) {
    let text = String(amount ?? "");
    const negative = text.startsWith("-");
    if (negative) text = text.slice(1);
    const prefix = PREFIX[currency] ?? (SUFFIX[currency] ? "" : `${currency} `);
    return `${negative ? "−" : ""}${prefix}${text}${SUFFIX[currency] ?? ""}`;
  }

  const isZero = (amount) => /^-?0*(\.0*)?$/.test(String(amount ?? "0"));

  // A discount reads as a reduction whichever sign the server stores it with.
  function saving(amount, currency) {
    const text = String(amount ?? "0").replace(/^-/, "");
    return isZero(text) ? money(text, currency) : `−${money(text, currency)}`;
  }

  function kilograms(grams) {
    const g = Math.trunc(Number(grams) || 0);
    return `${Math.floor(g / 1000)}.${String(g % 1000).padStart(3, "0")} kg`;
  }

  const itemsText = (count) => `${count} ${count === 1 ? "item" : "items"}`;

  function unitText(line, currency) {
    if (line.label_price) return `Label price ${money(line.label_price, currency)}`;
    if (line.sold_by === "weight") {
      return `${kilograms(line.weight_g)} × ${money(line.unit_price, currency)}/kg`;
    }
    if (line.quantity > 1) return `${line.quantity} × ${money(line.unit_price, currency)}`;
    return `${money(line.unit_price, currency)} each`;
  }

  function whereText(product) {
    if (product.where) return product.where; // "Aisle 5 (Pantry), bay 2, shelf 3", from the store map
    const parts = [];
    const aisle = String(product.aisle ?? "").trim();
    const shelf = String(product.shelf ?? "").trim();
    if (aisle) parts.push(/^\d+$/.test(aisle) ? `Aisle ${aisle}` : aisle); // "Aisle 4", "Produce"
    if (shelf) parts.push(shelf);
    return parts.join(" · ");
  }

  function localTime(iso) {
    const when = new Date(iso);
    if (Number.isNaN(when.getTime())) return String(iso ?? "");
    return when.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  }

  /* ------------------------------------------------------------------ small DOM helpers */

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value == null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children) if (child != null) node.append(child);
    return node;
  }

  let messageTimer = null;
  function showMessage(text, kind = "error", seconds = 6) {
    const box = $("message");
    box.textContent = text;
    box.dataset.kind = kind;
    box.hidden = false;
    clearTimeout(messageTimer);
    messageTimer = setTimeout(() => { box.hidden = true; }, seconds * 1000);
  }
  $("message").addEventListener("click", () => { $("message").hidden = true; });

  function setConnection(kind, text) {
    $("conn").dataset.state = kind;
    $("conn-text").textContent = text;
  }

  const HINTS = {
    cart: "Scan each item's <strong>barcode</strong> as you put it in the cart",
    pay: "Check your total, then pay",
    receipt: "Paid — thank you for shopping with us",
  };

  function showView(name) {
    state.view = name;
    $("hint").innerHTML = HINTS[name] || ""; // fixed strings only, never server text
    const shopping = name === "cart" || name === "pay";
    $("view-unpaired").hidden = name !== "unpaired";
    $("view-starting").hidden = name !== "starting";
    $("view-cart").hidden = !shopping;
    $("totals").hidden = !shopping;
    $("view-pay").hidden = name !== "pay";
    $("view-receipt").hidden = name !== "receipt";
  }

  /* ------------------------------------------------------------------ HTTP */

  class HttpError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const backoff = (attempt) => Math.min(10000, 500 * 2 ** attempt) * (0.8 + Math.random() * 0.4);
  const TRANSIENT = new Set([502, 503, 504]);
  const isTransient = (error) =>
    !(error instanceof HttpError) || TRANSIENT.has(error.status) || error.code === "busy";

  async function api(method, path, { token, json, signal } = {}) {
    const headers = { Accept: "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (json !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(API + path, {
      method,
      headers,
      body: json === undefined ? undefined : JSON.stringify(json),
      signal,
      cache: "no-store",
    });
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const error = (data && data.error) || {};
      const detail = data && typeof data.detail === "string" ? data.detail : null;
      throw new HttpError(
        response.status,
        error.code || `http_${response.status}`,
        error.message || detail || "Something went wrong. Please ask an associate.",
      );
    }
    return data;
  }

  // Retries only what may succeed unchanged: a lost connection or a gateway hiccup.
  async function withRetry(call, { attempts = Infinity, onRetry } = {}) {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        if (error.name === "AbortError" || !isTransient(error) || attempt + 1 >= attempts) throw error;
        if (onRetry) onRetry(attempt);
        await sleep(backoff(attempt));
      }
    }
  }

  function newEventId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    // randomUUID needs a secure context; a tablet on plain http in the store LAN has none.
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /* ------------------------------------------------------------------ events */

  // Events go out one at a time, in the order the shopper made them.
  let queue = Promise.resolve();

  function sendEvent(fields) {
    const cart = state.cart;
    if (!cart) return Promise.resolve(null);
    const event = { event_id: newEventId(), ...fields };
    let retried = false;
    const post = () => withRetry(
      () => api("POST", `/carts/${encodeURIComponent(cart.cart_id)}/events`, { token: cart.token, json: event }),
      {
        attempts: 8,
        onRetry: () => {
          retried = true;
          showMessage("Connection trouble — trying again…", "warn", 30);
        },
      },
    );
    const done = queue.then(post).then((cartState) => {
      if (retried) $("message").hidden = true;
      render(cartState);
      return cartState;
    });
    queue = done.catch(() => {});
    return done.catch((error) => {
      onEventError(error, event);
      return null;
    });
  }

  function onEventError(error, event) {
    if (!(error instanceof HttpError)) {
      showMessage("We couldn't reach the store's system. Please try again in a moment.");
    } else if (error.code === "weight_required" && event.type === "scan") {
      askWeight(event.code);
    } else if (error.status === 401) {
      showMessage("This trip has ended. Starting a new one…", "info");
      newTrip();
    } else {
      showMessage(error.message);
    }
  }

  function scan(raw) {
    const code = String(raw).trim();
    if (!code) return;
    if (state.view === "receipt") {
      showMessage("This trip is finished. Tap “Start a new trip” to shop again.", "info");
      return;
    }
    if (!state.cart) {
      showMessage("One moment — your cart is getting ready.", "info", 3);
      return;
    }
    if (state.view === "pay") showView("cart");
    sendEvent({ type: "scan", code });
  }

  function changeQuantity(line, delta) {
    const id = line.line_id;
    let pending = state.pendingQty.get(id);
    if (!pending) {
      pending = { target: line.quantity, inflight: 0 };
      state.pendingQty.set(id, pending);
    }
    const target = pending.target + delta;
    if (target < 1) {
      if (pending.inflight === 0) state.pendingQty.delete(id);
      confirmRemove(line);
      return;
    }
    pending.target = target;
    pending.inflight += 1;
    const shown = document.querySelector(`[data-line-id="${CSS.escape(id)}"] [data-testid="line-quantity"]`);
    if (shown) {
      shown.textContent = String(target);
      shown.classList.add("pending");
    }
    sendEvent({ type: "set_quantity", line_id: id, quantity: target }).finally(() => {
      pending.inflight -= 1;
      if (pending.inflight === 0) {
        state.pendingQty.delete(id);
        if (state.current) render(state.current, { force: true });
      }
    });
  }

  function confirmRemove(line) {
    state.confirmLine = line;
    $("confirm-text").textContent = `Take “${line.name}” out of your cart?`;
    $("confirm-dialog").showModal();
  }
  $("confirm-keep").addEventListener("click", () => $("confirm-dialog").close());
  $("confirm-remove").addEventListener("click", () => {
    $("confirm-dialog").close();
    if (state.confirmLine) sendEvent({ type: "remove", line_id: state.confirmLine.line_id });
    state.confirmLine = null;
  });

  /* ------------------------------------------------------------------ the demo scale */

  function askWeight(code) {
    state.weightCode = code;
    $("weight-input").value = "";
    $("weight-dialog").showModal();
    $("weight-input").focus();
  }

  function weigh(grams) {
    const code = state.weightCode;
    if (!code || !(grams > 0)) return;
    state.weightCode = null;
    $("weight-dialog").close();
    sendEvent({ type: "scan", code, weight_g: grams }); // a new event: it is a different scan
  }

  $("weight-form").addEventListener("submit", (event) => {
    event.preventDefault();
    weigh(Number.parseInt($("weight-input").value, 10));
  });
  for (const preset of document.querySelectorAll("[data-grams]")) {
    preset.addEventListener("click", () => weigh(Number(preset.dataset.grams)));
  }
  $("weight-cancel").addEventListener("click", () => {
    state.weightCode = null;
    $("weight-dialog").close();
  });

  /* ------------------------------------------------------------------ rendering the cart state */

  function render(cart, { force = false } = {}) {
    if (!cart || !state.cart || cart.cart_id !== state.cart.cart_id) return;
    const previous = state.current;
    // An answer can arrive after a newer push; the screen never goes back in time.
    if (!force && previous && previous.cart_id === cart.cart_id && cart.version < previous.version) return;
    state.current = cart;
    renderLines(cart, previous && previous.cart_id === cart.cart_id ? previous : null);
    renderTotals(cart);
    if (cart.status === "checked_out" && cart.receipt_id) showReceipt(cart.receipt_id, cart.receipt_url);
  }

  function renderLines(cart, previous) {
    const before = new Map((previous ? previous.lines : []).map((line) => [line.line_id, line]));
    for (const line of cart.lines) {
      const old = before.get(line.line_id);
      const grew = old && (line.quantity > old.quantity || line.weight_g !== old.weight_g);
      if (previous && (!old || grew)) state.flash = { lineId: line.line_id, until: performance.now() + 1600 };
    }
    const deposits = new Map((cart.deposits || []).map((deposit) => [deposit.line_id, deposit]));
    const nodes = cart.lines.map((line) => lineNode(line, cart.currency, deposits.get(line.line_id)));
    $("lines").replaceChildren(...nodes);
    $("lines").hidden = cart.lines.length === 0;
    $("empty").hidden = cart.lines.length > 0;
    $("item-count").textContent = cart.lines.length ? itemsText(cart.item_count) : "";
    const hints = cart.hints || [];
    $("hints").replaceChildren(...hints.map((hint) => el("li", {
      class: "hint", "data-testid": "hint", "data-promotion-id": hint.promotion_id,
      text: isZero(hint.saving) ? hint.message : `${hint.message} · save ${money(hint.saving, cart.currency)}`,
    })));
    $("hints").hidden = hints.length === 0;

    const flashing = nodes.find((node) => node.classList.contains("flash"));
    if (flashing) {
      flashing.scrollIntoView({ block: "nearest" });
      const { lineId, until } = state.flash;
      setTimeout(() => {
        const node = document.querySelector(`.line[data-line-id="${CSS.escape(lineId)}"]`);
        if (node) node.classList.remove("flash");
      }, Math.max(0, until - performance.now()));
    }
  }

  function lineNode(line, currency, deposit) {
    const id = line.line_id;
    const flashing = state.flash.lineId === id && performance.now() < state.flash.until;
    const discounted = !isZero(line.discount);

    const info = el("div", { class: "line-info" },
      el("div", { class: "line-name" },
        line.name,
        line.age_restricted ? el("span", { class: "badge-id", title: "ID is checked at the exit", text: "ID" }) : null),
      el("div", { class: "line-unit" },
        line.brand ? el("span", { class: "line-brand", text: line.brand }) : null,
        el("span", { "data-testid": "line-unit", text: unitText(line, currency) })),
      ...(line.adjustments || []).map((adjustment) => el("div", {
        class: "line-adj",
        "data-testid": "line-adjustment",
        text: `${adjustment.description} ${saving(adjustment.amount, currency)}`,
      })),
      deposit ? el("div", {
        class: "line-deposit",
        "data-testid": "line-deposit",
        text: `Deposit ${deposit.quantity} × ${money(deposit.unit_amount, currency)} +${money(deposit.amount, currency)}`,
      }) : null,
      ...(line.warnings || []).map((warning) => el("div", {
        class: "line-warning",
        "data-testid": "line-warning",
        text: `⚠ ${warning}`,
      })));

    let quantity;
    if (line.sold_by === "weight" || line.label_price) {
      quantity = el("div", { class: "qty-weight", "aria-hidden": "true" });
    } else {
      const pending = state.pendingQty.get(id);
      quantity = el("div", { class: "qty" },
        el("button", {
          type: "button", "data-testid": "qty-minus", "aria-label": `One less ${line.name}`, text: "−",
          onclick: () => changeQuantity(line, -1),
        }),
        el("span", {
          class: pending ? "qty-value pending" : "qty-value", "data-testid": "line-quantity",
          text: String(pending ? pending.target : line.quantity),
        }),
        el("button", {
          type: "button", "data-testid": "qty-plus", "aria-label": `One more ${line.name}`, text: "+",
          onclick: () => changeQuantity(line, +1),
        }));
    }

    const price = el("div", { class: "line-price" },
      el("span", { class: discounted ? "was amount" : "now amount", "data-testid": "line-total", text: money(line.line_total, currency) }),
      discounted ? el("span", { class: "now amount", "data-testid": "line-net", text: money(line.net, currency) }) : null);

    const remove = el("button", {
      type: "button", class: "line-remove", "data-testid": "line-remove", "aria-label": `Remove ${line.name}`, text: "✕",
      onclick: () => sendEvent({ type: "remove", line_id: id }),
    });

    return el("li", {
      class: flashing ? "line flash" : "line", "data-testid": "cart-line", "data-line-id": id, "data-gtin": line.gtin,
    }, info, quantity, price, remove);
  }

  function renderTotals(cart) {
    const currency = cart.currency;
    const inclusive = cart.tax_mode === "inclusive";
    $("subtotal").textContent = money(cart.subtotal, currency);
    // "You save €2.41": the footer says it in words, so the amount goes without its minus.
    $("savings").textContent = money(String(cart.discount_total).replace(/^-/, ""), currency);
    $("savings").classList.toggle("none", isZero(cart.discount_total));
    $("deposits-row").hidden = isZero(cart.deposit_total);
    $("deposit-total").textContent = money(cart.deposit_total, currency);
    $("tax-label").textContent = inclusive ? "Tax (incl. VAT)" : "Sales tax";
    $("tax").textContent = money(cart.tax_total, currency);
    $("snap-row").hidden = isZero(cart.snap_eligible_total);
    $("snap-total").textContent = money(cart.snap_eligible_total, currency);
    $("member").hidden = !cart.member_id;
    $("member").textContent = cart.member_id ? `★ Member ${cart.member_id}` : "";
    const coupons = cart.coupons || [];
    $("coupons").replaceChildren(...coupons.map((code) => el("li", { class: "coupon", "data-testid": "coupon", text: code })));
    $("coupons").hidden = coupons.length === 0;
    $("total").textContent = money(cart.total, currency);
    $("age-note").hidden = !cart.age_check_required;
    const pushed = state.verified;
    renderVerification(pushed && pushed.cartId === cart.cart_id && pushed.version > cart.version
      ? pushed.verification : cart.verification);
    renderList(cart);
    $("checkout").disabled = cart.lines.length === 0 || cart.status !== "shopping";

    $("pay-count").textContent = itemsText(cart.item_count);
    $("pay-total").textContent = money(cart.total, currency);
    $("pay-tax").textContent = `${inclusive ? "Includes" : "With"} ${money(cart.tax_total, currency)} ${inclusive ? "VAT" : "sales tax"}` +
      (isZero(cart.discount_total) ? "" : ` · You saved ${money(String(cart.discount_total).replace(/^-/, ""), currency)}`);
    $("pay-age-note").hidden = !cart.age_check_required;
    if (state.view === "pay" && cart.lines.length === 0) showView("cart");
  }

  // The scale's readings changed what the cart says (they come over MQTT, not as answers):
  // only the verification is pushed, at its stream version. It is shown unless something
  // newer came; a cart state of an older version still brings its lines and totals.
  function renderVerificationPush(data) {
    const current = state.current;
    if (!current || data.cart_id !== current.cart_id || data.version < current.version) return;
    const seen = state.verified;
    if (seen && seen.cartId === data.cart_id && data.version <= seen.version) return;
    state.verified = { cartId: data.cart_id, version: data.version, verification: data.verification };
    renderVerification(data.verification);
  }

  // What the cart's scale says: the shopper is asked first, in plain words; staff only when
  // it needs them. A clear cart shows nothing.
  function renderVerification(found) {
    const box = $("verify");
    if (!found) { box.hidden = true; return; }
    const asks = (found.findings || []).filter((f) => f.severity === "attention");
    let text = "";
    let kind = "ask";
    if (found.held_for_review) {
      text = "An associate is on the way to check your cart before you pay. Thank you for waiting.";
      kind = "staff";
    } else if (asks.length) {
      text = asks[asks.length - 1].message;
    } else if (found.status === "review") {
      text = found.findings.length ? found.findings[found.findings.length - 1].message
        : "An associate will take a quick look at your cart at checkout.";
      kind = "staff";
    }
    box.hidden = !text;
    box.dataset.kind = kind;
    $("verify-text").textContent = text;
  }

  /* ------------------------------------------------------------------ checkout and receipt */

  $("checkout").addEventListener("click", () => {
    if (!state.current || state.current.lines.length === 0) return;
    const open = (state.current.shopping_list || []).filter((entry) => entry.status === "open");
    if (open.length) {
      // "Did you forget the eggs? Aisle 1, bay 7": asked once, before paying.
      $("forgot-list").replaceChildren(...open.map((entry) => el("li", { "data-testid": "forgot-entry" },
        el("strong", { text: `Did you forget the ${entry.text}?` }),
        entry.where ? el("span", { text: ` ${entry.where}` }) : null)));
      $("forgot-dialog").showModal();
      return;
    }
    showView("pay");
  });
  $("forgot-back").addEventListener("click", () => $("forgot-dialog").close());
  $("forgot-pay").addEventListener("click", () => {
    $("forgot-dialog").close();
    showView("pay");
  });
  $("pay-back").addEventListener("click", () => showView("cart"));

  $("pay").addEventListener("click", async () => {
    const cart = state.cart;
    const button = $("pay");
    if (!cart) return;
    button.disabled = true;
    button.textContent = "Paying…";
    try {
      await queue; // scans still on their way belong in this payment
      // Like every event, the payment is resent with the same id, so it is taken only once.
      const checkout = { event_id: newEventId(), payment: { provider: "demo" } };
      const paid = await withRetry(
        () => api("POST", `/carts/${encodeURIComponent(cart.cart_id)}/checkout`, { token: cart.token, json: checkout }),
        { attempts: 6, onRetry: () => showMessage("Connection trouble — trying again…", "warn", 4) },
      );
      await showReceipt(paid.receipt_id, paid.receipt_url);
    } catch (error) {
      if (error instanceof HttpError && error.code === "review_required") {
        // held for a quick check: back to the cart, which says so until staff are done
        showView("cart");
        const fresh = await api("GET", `/carts/${encodeURIComponent(cart.cart_id)}`, { token: cart.token }).catch(() => null);
        if (fresh) render(fresh, { force: true });
        showMessage(error.message, "warn", 8);
        return;
      }
      showMessage(error instanceof HttpError ? error.message : "We couldn't reach the payment system. Please try again.");
    } finally {
      button.disabled = false;
      button.textContent = "Pay with demo card";
    }
  });

  // receipt_url is http://host/receipts/ID?key=K; its QR image is /receipts/ID/qr.svg?key=K.
  function qrUrl(receiptUrl) {
    const query = receiptUrl.indexOf("?");
    return query < 0 ? `${receiptUrl}/qr.svg` : `${receiptUrl.slice(0, query)}/qr.svg${receiptUrl.slice(query)}`;
  }

  async function showReceipt(receiptId, receiptUrl) {
    if (!receiptId || state.receiptId === receiptId) return;
    state.receiptId = receiptId;
    const cart = state.cart;
    closeSocket();
    setConnection("idle", "Trip finished");
    showView("receipt");
    $("receipt-total").textContent = "…";
    $("receipt-paper").replaceChildren(el("p", { class: "rc-head", text: "Preparing your receipt…" }));
    setReceiptLink(receiptUrl);
    try {
      const receipt = await withRetry(
        () => api("GET", `/receipts/${encodeURIComponent(receiptId)}`, { token: cart.token }),
        { attempts: 6 },
      );
      if (state.receiptId !== receiptId) return;
      if (!receiptUrl) setReceiptLink(receipt.receipt_url);
      $("receipt-total").textContent = money(receipt.total, receipt.currency);
      $("receipt-paper").replaceChildren(...receiptNodes(receipt));
    } catch (error) {
      showMessage(error instanceof HttpError ? error.message : "Your receipt is saved; scan the QR code to see it.", "warn");
    }
  }

  function setReceiptLink(receiptUrl) {
    if (!receiptUrl) return;
    const absolute = new URL(receiptUrl, location.href).href;
    $("receipt-link").href = absolute;
    $("receipt-link").textContent = absolute;
    $("qr-box").hidden = false;
    $("receipt-qr").src = qrUrl(absolute);
  }
  // Without its QR code the receipt is still one link away: do not show a broken image.
  $("receipt-qr").addEventListener("error", () => { $("qr-box").hidden = true; });

  function receiptNodes(receipt) {
    const currency = receipt.currency;
    const rows = [];
    for (const line of receipt.lines) {
      rows.push(el("tr", {}, el("td", { text: line.quantity > 1 ? `${line.quantity} × ${line.name}` : line.name }),
        el("td", { class: "amount", text: money(line.line_total, currency) })));
      if (line.weight_g) {
        rows.push(el("tr", { class: "rc-detail" }, el("td", { text: `${kilograms(line.weight_g)} × ${money(line.unit_price, currency)}/kg` }), el("td")));
      } else if (line.quantity > 1) {
        rows.push(el("tr", { class: "rc-detail" }, el("td", { text: `${money(line.unit_price, currency)} each` }), el("td")));
      }
      for (const adjustment of line.adjustments || []) {
        rows.push(el("tr", { class: "rc-adj" }, el("td", { text: adjustment.description }),
          el("td", { class: "amount", text: saving(adjustment.amount, currency) })));
      }
    }
    for (const deposit of receipt.deposits || []) {
      rows.push(el("tr", { class: "rc-deposit" },
        el("td", { text: `Deposit ${deposit.quantity} × ${money(deposit.unit_amount, currency)} (${deposit.name})` }),
        el("td", { class: "amount", text: money(deposit.amount, currency) })));
    }
    const sum = (label, value, cls, testid) => el("div", { class: cls },
      el("dt", { text: label }), el("dd", { class: "amount", "data-testid": testid, text: value }));
    const inclusive = receipt.tax_mode === "inclusive";
    const taxes = el("table", { class: "rc-taxes" },
      el("thead", {}, el("tr", {}, el("th", { text: inclusive ? "VAT rate" : "Tax rate" }), el("th", { text: "Net" }),
        el("th", { text: inclusive ? "VAT" : "Tax" }), el("th", { text: "Gross" }))),
      el("tbody", {}, ...(receipt.taxes || []).map((tax) => el("tr", {},
        el("td", { text: `${tax.rate} %` }),
        el("td", { class: "amount", text: money(tax.net, currency) }),
        el("td", { class: "amount", text: money(tax.tax, currency) }),
        el("td", { class: "amount", text: money(tax.gross, currency) })))));
    const payment = receipt.payment || {};
    return [
      el("header", { class: "rc-head" },
        el("h2", { text: (receipt.store && receipt.store.name) || document.body.dataset.storeName }),
        el("p", { text: localTime(receipt.issued_at) }),
        el("p", { text: `Receipt ${receipt.receipt_id}` })),
      el("table", { class: "rc-lines" }, el("tbody", {}, ...rows)),
      el("dl", { class: "rc-sums" },
        sum("Subtotal", money(receipt.subtotal, currency), "", "receipt-subtotal"),
        isZero(receipt.discount_total) ? null : sum("You saved", saving(receipt.discount_total, currency), "rc-saving", "receipt-savings"),
        isZero(receipt.deposit_total) ? null : sum("Deposits", money(receipt.deposit_total, currency), "", "receipt-deposits"),
        sum(inclusive ? "Incl. VAT" : "Sales tax", money(receipt.tax_total, currency), "", "receipt-tax"),
        sum("Total", money(receipt.total, currency), "rc-total", "receipt-paper-total"),
        isZero(receipt.snap_eligible_total) ? null : sum("SNAP eligible", money(receipt.snap_eligible_total, currency), "", "receipt-snap")),
      taxes,
      receipt.member_id ? el("p", { class: "rc-member", "data-testid": "receipt-member", text: `Member ${receipt.member_id}` }) : null,
      (receipt.coupons || []).length ? el("p", { class: "rc-member", "data-testid": "receipt-coupons", text: `Coupons redeemed: ${receipt.coupons.join(", ")}` }) : null,
      el("p", { class: "rc-payment", text: `Paid ${money(payment.amount, currency)} by ${payment.provider === "demo" ? "demo card" : payment.provider || "card"}` +
        (payment.reference ? ` · ref. ${payment.reference}` : "") }),
    ].filter((node) => node != null);
  }

  $("new-trip").addEventListener("click", () => newTrip());

  /* ------------------------------------------------------------------ the live connection */

  function connectSocket() {
    const cart = state.cart;
    if (!cart) return;
    clearTimeout(state.socketTimer);
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const url = `${scheme}//${location.host}${API}/carts/${encodeURIComponent(cart.cart_id)}/live` +
      `?token=${encodeURIComponent(cart.token)}`;
    const socket = new WebSocket(url);
    state.socket = socket;
    if (state.socketFailures === 0) setConnection("connecting", "Connecting…");
    socket.addEventListener("open", () => {
      state.socketFailures = 0;
      setConnection("live", "Connected");
    });
    socket.addEventListener("message", (message) => {
      let data;
      try { data = JSON.parse(message.data); } catch { return; }
      if (data && data.type === "cart_state") render(data.cart);
      else if (data && data.type === "verification") renderVerificationPush(data);
    });
    socket.addEventListener("close", () => {
      if (state.socket !== socket) return; // closed on purpose
      state.socket = null;
      setConnection("offline", "Reconnecting…");
      scheduleReconnect(cart);
    });
  }

  function closeSocket() {
    clearTimeout(state.socketTimer);
    const socket = state.socket;
    state.socket = null;
    if (socket) socket.close();
  }

  function scheduleReconnect(cart) {
    if (state.cart !== cart || state.view === "receipt") return;
    const attempt = state.socketFailures;
    state.socketFailures += 1;
    state.socketTimer = setTimeout(async () => {
      if (state.cart !== cart) return;
      if (attempt >= 2) {
        // Failing repeatedly: find out whether the trip itself is gone or was refused.
        try {
          const current = await api("GET", `/carts/${encodeURIComponent(cart.cart_id)}`, { token: cart.token });
          render(current);
          if (current.status !== "shopping") {
            if (!current.receipt_id) newTrip();
            return;
          }
        } catch (error) {
          if (error instanceof HttpError && [401, 403, 404].includes(error.status)) {
            showMessage("Your previous trip has ended — starting a new one.", "info");
            newTrip();
            return;
          }
        }
      }
      if (state.cart === cart && !state.socket) connectSocket();
    }, backoff(attempt));
  }

  window.addEventListener("online", () => {
    if (state.cart && !state.socket && state.view !== "receipt") {
      state.socketFailures = 0;
      connectSocket();
    }
  });

  /* ------------------------------------------------------------------ trips */

  async function openTrip(cart, cartState) {
    state.cart = cart;
    state.current = null;
    state.receiptId = null;
    state.socketFailures = 0;
    showView("cart");
    render(cartState);
    connectSocket();
  }

  async function startTrip() {
    showView("starting");
    try {
      const created = await withRetry(
        () => api("POST", "/carts", { token: state.device }),
        { onRetry: () => setConnection("offline", "Can't reach the store — retrying…") },
      );
      const cart = { cart_id: created.cart_id, token: created.token };
      localStorage.setItem(KEY_CART, JSON.stringify(cart));
      const cartState = await withRetry(
        () => api("GET", `/carts/${encodeURIComponent(cart.cart_id)}`, { token: cart.token }),
      );
      await openTrip(cart, cartState);
    } catch (error) {
      if (error instanceof HttpError && (error.status === 401 || error.status === 403)) {
        setConnection("offline", "Not paired");
        showView("unpaired");
      } else {
        showMessage(error.message || "We couldn't start your cart. Please ask an associate.");
      }
    }
  }

  async function resumeTrip(saved) {
    if (!saved || !saved.cart_id || !saved.token) return false;
    try {
      const cartState = await withRetry(
        () => api("GET", `/carts/${encodeURIComponent(saved.cart_id)}`, { token: saved.token }),
        { onRetry: () => setConnection("offline", "Can't reach the store — retrying…") },
      );
      if (cartState.status !== "shopping") return false;
      await openTrip(saved, cartState);
      return true;
    } catch {
      return false; // refused or gone: a new trip
    }
  }

  async function newTrip() {
    localStorage.removeItem(KEY_CART);
    closeSocket();
    state.cart = null;
    state.current = null;
    state.receiptId = null;
    state.pendingQty.clear();
    $("search-input").value = "";
    $("loyalty-input").value = "";
    $("coupon-input").value = "";
    $("list-input").value = "";
    editingList = false;
    listShown = null;
    $("search-results").replaceChildren(finderHint());
    $("lines").replaceChildren();
    await startTrip();
  }

  function readPairing() {
    const fragment = new URLSearchParams(location.hash.slice(1));
    const token = fragment.get("device");
    if (token) {
      if (token !== localStorage.getItem(KEY_DEVICE)) localStorage.removeItem(KEY_CART);
      localStorage.setItem(KEY_DEVICE, token);
      history.replaceState(null, "", location.pathname + location.search);
    }
    return localStorage.getItem(KEY_DEVICE);
  }

  function savedCart() {
    try {
      return JSON.parse(localStorage.getItem(KEY_CART) || "null");
    } catch {
      return null;
    }
  }

  /* ------------------------------------------------------------------ the barcode scanner */

  // A USB scanner is a keyboard: digits (after an optional AIM prefix such as "]E0"), then Enter.
  const SCAN_KEY = /^[0-9A-Za-z\]]$/;
  const SCAN_GAP_MS = 1500;
  let scanBuffer = "";
  let scanLastKey = 0;

  const ownsKeys = (target) => target instanceof HTMLElement &&
    (target.isContentEditable || target.matches("input, textarea, select"));

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (ownsKeys(event.target) || document.querySelector("dialog[open]")) return;
    const now = performance.now();
    if (now - scanLastKey > SCAN_GAP_MS) scanBuffer = "";
    scanLastKey = now;
    if (event.key === "Enter") {
      if (!scanBuffer) return;
      event.preventDefault(); // or Enter would also press whatever button has the focus
      const code = scanBuffer;
      scanBuffer = "";
      scan(code);
    } else if (event.key === "Escape") {
      scanBuffer = "";
    } else if (SCAN_KEY.test(event.key) && scanBuffer.length < 64) {
      scanBuffer += event.key;
    }
  });

  $("scan-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("scan-input");
    scan(input.value);
    input.value = "";
  });

  /* ------------------------------------------------------------------ loyalty card and coupons */

  // A refusal (an unknown card, a coupon not valid today) shows the server's words; the input
  // keeps what was typed so the shopper can correct it.
  function submitEntry(inputId, fields, welcome) {
    const input = $(inputId);
    const text = input.value.trim();
    if (!text || !state.cart || state.view === "receipt") return;
    if (state.view === "pay") showView("cart");
    sendEvent(fields(text)).then((cartState) => {
      if (!cartState) return;
      input.value = "";
      showMessage(welcome(cartState, text), "info", 4);
    });
  }

  $("loyalty-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submitEntry("loyalty-input", (code) => ({ type: "identify_member", loyalty_code: code }),
      (cart) => `Welcome! Member ${cart.member_id}: your member prices and coupons apply.`);
  });

  $("coupon-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submitEntry("coupon-input", (code) => ({ type: "present_coupon", code }),
      (cart) => `Coupon ${cart.coupons[cart.coupons.length - 1] || ""} added.`);
  });

  /* ------------------------------------------------------------------ the shopping list */

  let editingList = false;
  let listShown = null; // the list as last drawn: a push that leaves it alone redraws nothing

  function renderList(cart) {
    const entries = cart.shopping_list || [];
    const hasList = entries.length > 0;
    $("list-form").hidden = hasList && !editingList;
    $("list-edit").hidden = !hasList || editingList;
    $("list-entries").hidden = !hasList;
    $("route-button").hidden = !entries.some((entry) => entry.status === "open");
    // Weight readings arrive twice a second: redrawing would close a choice the shopper has open.
    const drawn = JSON.stringify(entries);
    if (drawn === listShown) return;
    listShown = drawn;
    $("list-entries").replaceChildren(...entries.map(entryNode));
  }

  function entryNode(entry) {
    const done = entry.status === "done";
    const mark = done ? "✓" : entry.status === "unmatched" ? "?" : "○";
    const count = entry.quantity > 1 ? `${Math.min(entry.got, entry.quantity)}/${entry.quantity} ` : "";
    const node = el("li", { class: `entry entry-${entry.status}`, "data-testid": "list-entry", "data-status": entry.status },
      el("span", { class: "entry-mark", "aria-hidden": "true", text: mark }),
      el("span", { class: "entry-text", text: `${count}${entry.text}` }));
    if (entry.status === "unmatched") {
      node.append(el("span", { class: "entry-where", text: "Not found in this store — an associate can help" }));
      return node;
    }
    if (done) return node;
    const chosen = entry.matches.find((match) => match.gtin === entry.chosen);
    if (chosen) node.append(el("span", { class: "entry-where", "data-testid": "entry-where", text: `${chosen.name} · ${chosen.where || "ask an associate"}` }));
    else if (entry.where) node.append(el("span", { class: "entry-where", "data-testid": "entry-where", text: entry.where }));
    if (entry.needs_choice) {
      // Any of them ticks the entry off; choosing one says which to look for.
      const select = el("select", { class: "entry-choice", "data-testid": "entry-choice", "aria-label": `Which ${entry.text}?` },
        el("option", { value: "", text: "Which one? (any will do)" }),
        ...entry.matches.map((match) => el("option", { value: match.gtin, text: match.name })));
      select.addEventListener("change", () => {
        if (select.value) sendEvent({ type: "choose_list_entry", entry_id: entry.entry_id, gtin: select.value });
      });
      node.append(select);
    }
    return node;
  }

  $("list-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("list-input").value.trim();
    if (!text || !state.cart || state.view === "receipt") return;
    sendEvent({ type: "shopping_list", text }).then((cartState) => {
      if (!cartState) return;
      editingList = false;
      renderList(cartState);
      const missing = cartState.shopping_list.filter((entry) => entry.status === "unmatched");
      if (missing.length) showMessage(`We couldn't find ${missing.map((e) => `“${e.text}”`).join(", ")} in this store.`, "info", 6);
    });
  });
  $("list-input").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      $("list-form").requestSubmit();
    }
  });
  $("list-edit").addEventListener("click", () => {
    const entries = (state.current && state.current.shopping_list) || [];
    $("list-input").value = entries.map((e) => (e.quantity > 1 ? `${e.quantity} ${e.text}` : e.text)).join(", ");
    editingList = true;
    if (state.current) renderList(state.current);
    $("list-input").focus();
  });

  /* ------------------------------------------------------------------ the map */

  async function fetchMap(query) {
    const response = await fetch(`${API}/store/map?${query}`, {
      headers: { Authorization: `Bearer ${state.cart.token}`, Accept: "image/svg+xml" },
      cache: "no-store",
    });
    if (!response.ok) {
      const data = await response.json().catch(() => null);
      throw new HttpError(response.status, (data && data.error && data.error.code) || "map",
        (data && data.error && data.error.message) || "The map isn't available right now.");
    }
    return response.text();
  }

  // What the shopper reads when the map can't help: never the manager's instructions.
  function onMapError(error) {
    if (error instanceof HttpError && error.status === 401) {
      showMessage("This trip has ended. Starting a new one…", "info");
      newTrip();
    } else if (error instanceof HttpError && error.code === "no_layout") {
      showMessage("The store map isn't set up yet. An associate can show you the way.", "info");
    } else {
      showMessage((error && error.message) || "The map isn't available right now.");
    }
  }

  function openMap(title, where, svg, steps) {
    $("map-title").textContent = title;
    $("map-where").textContent = where;
    // The server's own SVG (no script in it): shown as it came.
    $("map").innerHTML = svg;
    $("route-steps").hidden = !steps;
    $("route-steps").replaceChildren(...(steps || []));
    if (!$("map-dialog").open) $("map-dialog").showModal();
  }

  async function showOnMap(product) {
    if (!state.cart) return;
    try {
      const cart = encodeURIComponent(state.cart.cart_id);
      const svg = await fetchMap(`gtin=${encodeURIComponent(product.gtin)}&cart=${cart}`);
      openMap(product.name, product.where || whereText(product), svg, null);
    } catch (error) {
      onMapError(error);
    }
  }

  async function showRoute() {
    if (!state.cart) return;
    const cart = encodeURIComponent(state.cart.cart_id);
    try {
      const route = await api("GET", `/carts/${cart}/route`, { token: state.cart.token });
      const svg = await fetchMap(`cart=${cart}&route=true`);
      const steps = route.stops.map((stop) => el("li", { "data-testid": "route-step" },
        el("strong", { text: stop.text }), ` — ${stop.location.where}`));
      for (const missing of route.not_on_map || []) {
        steps.push(el("li", { class: "route-missing", "data-testid": "route-missing", text: `Not on the map: ${missing}` }));
      }
      steps.push(el("li", { class: "route-exit", text: "Then the checkouts and the exit" }));
      const minutes = Math.max(1, Math.round(Number(route.length_m) / 60)); // about 1 m/s with a cart
      const summary = route.stops.length
        ? `From ${route.start}: ${route.stops.length} stop${route.stops.length === 1 ? "" : "s"}, about ${route.length_m} m (${minutes} min)`
        : "Nothing on your list is on the map: an associate can help you find it.";
      openMap("Your way round", summary, svg, steps);
    } catch (error) {
      onMapError(error);
    }
  }

  $("route-button").addEventListener("click", showRoute);
  $("map-close").addEventListener("click", () => $("map-dialog").close());

  /* ------------------------------------------------------------------ the product finder */

  let searchTimer = null;
  let searchAbort = null;

  $("search-input").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(search, 250);
  });
  $("search-input").addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    clearTimeout(searchTimer);
    search();
  });

  async function search() {
    const query = $("search-input").value.trim();
    const results = $("search-results");
    if (searchAbort) searchAbort.abort();
    if (!query || !state.cart) {
      results.replaceChildren(finderHint());
      return;
    }
    const controller = new AbortController();
    searchAbort = controller;
    try {
      const found = await api("GET", `/products?q=${encodeURIComponent(query)}`, {
        token: state.cart.token,
        signal: controller.signal,
      });
      const products = Array.isArray(found) ? found : (found && (found.products || found.items)) || [];
      results.replaceChildren(...(products.length
        ? products.map(resultNode)
        : [el("li", { class: "results-note", text: `Nothing matches “${query}”. An associate can help.` })]));
    } catch (error) {
      if (error.name === "AbortError") return;
      results.replaceChildren(el("li", { class: "results-note", text: "Search isn't available right now." }));
    }
  }

  const finderHint = () =>
    el("li", { class: "results-note", text: "Type a name to see its price and which aisle it is in." });

  function resultNode(product) {
    const perKg = product.sold_by === "weight";
    const where = whereText(product);
    return el("li", { class: "result", "data-testid": "search-result", "data-gtin": product.gtin },
      el("div", { class: "result-name", text: product.name }),
      el("div", { class: "result-meta" },
        el("strong", { text: `${money(product.price)}${perKg ? "/kg" : ""}` }),
        product.brand ? ` · ${product.brand}` : null),
      where ? el("div", { class: "result-where", text: where }) : null,
      el("div", { class: "result-actions" },
        // Only a product the store map can place gets a map (no layout: no product can).
        product.where ? el("button", {
          type: "button", class: "btn-quiet", "data-testid": "search-map", "aria-label": `Show ${product.name} on the map`,
          text: "Map", onclick: () => showOnMap(product),
        }) : null,
        el("button", {
          type: "button", class: "btn-quiet", "data-testid": "search-add", "aria-label": `Add ${product.name}`, text: "Add",
          onclick: () => scan(product.gtin),
        })));
  }

  /* ------------------------------------------------------------------ start */

  async function boot() {
    state.device = readPairing();
    if (!state.device) {
      setConnection("offline", "Not paired");
      showView("unpaired");
      return;
    }
    if (!(await resumeTrip(savedCart()))) await startTrip();
  }

  $("search-results").replaceChildren(finderHint());
  boot();
})();
