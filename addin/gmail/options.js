const DEFAULT_URL = "http://127.0.0.1:8000";
const input = document.getElementById("url");
const status = document.getElementById("status");

chrome.storage.sync.get({ serviceUrl: DEFAULT_URL }).then(({ serviceUrl }) => { input.value = serviceUrl; });

document.getElementById("save").addEventListener("click", async () => {
  let url;
  try {
    url = new URL(input.value.trim() || DEFAULT_URL);
    if (!/^https?:$/.test(url.protocol)) throw new Error("use an http(s) URL");
  } catch (err) {
    status.textContent = `Not a valid URL (${err.message}).`;
    return;
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (!loopback) {
    const granted = await chrome.permissions.request({ origins: [`${url.protocol}//${url.hostname}/*`] });
    if (!granted) {
      status.textContent = "Permission refused: the extension cannot reach that host.";
      return;
    }
  }
  await chrome.storage.sync.set({ serviceUrl: url.origin + url.pathname.replace(/\/+$/, "") });
  status.textContent = "Saved.";
});
