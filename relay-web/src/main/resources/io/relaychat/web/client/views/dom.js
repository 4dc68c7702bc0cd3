// DOM building for every view. User content only ever becomes text nodes or checked attribute values: nothing here
// parses HTML, so a message, a username or a file name can never become markup or script.

/** `el('li', {class: 'x', text: name, onclick: f}, child, 'text')`: an element with its properties and children. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function byId(id) {
  return document.getElementById(id);
}

/** An uploaded file's URL if it is one this server generated (same origin, under /static/uploads/); else null. */
export function uploadUrl(url) {
  if (typeof url !== 'string') return null;
  try {
    const parsed = new URL(url, window.location.origin);
    if (parsed.origin !== window.location.origin || !parsed.pathname.startsWith('/static/uploads/')) return null;
    return parsed.pathname;
  } catch (e) {
    return null;
  }
}

const IMAGE_EXTENSIONS = /\.(png|jpe?g|gif|webp|avif|bmp)$/i;

/** Whether the server stored the upload as a raster image, which it serves inline (others it serves as downloads). */
export function isImage(url) {
  return IMAGE_EXTENSIONS.test(url);
}
