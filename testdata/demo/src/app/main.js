'use strict';
// Lanternly Desk: the agent console. Opens one window on the hosted console
// and keeps the tray icon in sync with the number of waiting chats.
const { app, BrowserWindow, Tray, Menu, ipcMain, shell } = require('electron');
const path = require('path');
const https = require('https');

const CONSOLE_URL = 'https://console.lanternly.example/agent';
const STATUS_URL = 'https://status.lanternly.example/api/v2/summary.json';

let win = null;
let tray = null;

function createWindow() {
  win = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'Lanternly Desk',
    webPreferences: {
      preload: path.join(__dirname, 'preload.js'),
      contextIsolation: true,
      nodeIntegration: false,
    },
  });
  win.loadURL(CONSOLE_URL);
  win.on('closed', () => { win = null; });
}

function checkStatus(callback) {
  https.get(STATUS_URL, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => { body += chunk; });
    res.on('end', () => {
      try {
        callback(null, JSON.parse(body));
      } catch (err) {
        callback(err);
      }
    });
  }).on('error', callback);
}

function buildTray() {
  tray = new Tray(path.join(__dirname, 'renderer', 'tray.png'));
  tray.setToolTip('Lanternly Desk');
  tray.setContextMenu(Menu.buildFromTemplate([
    { label: 'Open console', click: () => (win ? win.show() : createWindow()) },
    { label: 'Service status', click: () => shell.openExternal('https://status.lanternly.example') },
    { type: 'separator' },
    { label: 'Quit', role: 'quit' },
  ]));
}

ipcMain.handle('desk:waiting', (_event, count) => {
  if (tray) tray.setToolTip(count > 0 ? `Lanternly Desk: ${count} waiting` : 'Lanternly Desk');
  return true;
});

ipcMain.handle('desk:status', () => new Promise((resolve) => {
  checkStatus((err, summary) => resolve(err ? { ok: false } : { ok: true, summary }));
}));

app.whenReady().then(() => {
  createWindow();
  buildTray();
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
