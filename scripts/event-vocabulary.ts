// What the generated events are made of: browsers, systems, pages, referrers, campaigns, clicks,
// people, companies and products, with the weights the generator draws them by.

export const BROWSERS = [
  [{ name: 'Chrome', versions: [124, 125, 126, 127, 128, 129, 130] }, 62],
  [{ name: 'Safari', versions: [16.6, 17.4, 17.5, 17.6, 18.1] }, 19],
  [{ name: 'Firefox', versions: [115, 127, 128, 131, 132] }, 7],
  [{ name: 'Microsoft Edge', versions: [126, 127, 129, 130] }, 6],
  [{ name: 'Samsung Internet', versions: [24, 25, 26] }, 3],
  [{ name: 'Opera', versions: [111, 112, 113] }, 3],
] as const
export const DESKTOP_OS = [
  [{ os: 'Windows', versions: ['10.0'] }, 48],
  [{ os: 'Mac OS X', versions: ['14.5.0', '14.6.1', '15.0.1', '13.6.7'] }, 38],
  [{ os: 'Linux', versions: [''] }, 8],
  [{ os: 'Chrome OS', versions: ['15917.71.0'] }, 6],
] as const
export const MOBILE_WEB_OS = [
  [{ os: 'iOS', versions: ['17.5.1', '17.6.1', '18.0', '18.1'] }, 55],
  [{ os: 'Android', versions: ['13', '14', '15'] }, 45],
] as const
export const PAGES = [
  ['/', 30],
  ['/pricing', 12],
  ['/docs', 10],
  ['/docs/getting-started', 8],
  ['/blog', 6],
  ['/blog/how-we-cut-our-cloud-bill-in-half', 5],
  ['/features/analytics', 6],
  ['/signup', 5],
  ['/login', 7],
  ['/app/dashboard', 14],
  ['/app/projects/42/settings', 4],
  ['/app/insights/new', 5],
  ['/checkout', 3],
  ['/cart', 3],
  ['/products/standing-desk-pro', 4],
  ['/search', 3],
] as const
export const REFERRERS = [
  ['$direct', 45],
  ['https://www.google.com/', 30],
  ['https://duckduckgo.com/', 4],
  ['https://www.bing.com/', 3],
  ['https://news.ycombinator.com/', 5],
  ['https://www.linkedin.com/', 4],
  ['https://t.co/', 3],
  ['https://www.reddit.com/', 4],
  ['https://github.com/', 2],
] as const
export const UTM = [
  { utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'brand-search-eu', utm_term: 'product analytics' },
  { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'november-product-update' },
  { utm_source: 'linkedin', utm_medium: 'paid_social', utm_campaign: 'q4-retargeting', utm_content: 'carousel-2' },
  { utm_source: 'hackernews', utm_medium: 'referral', utm_campaign: 'launch-week' },
] as const
export const CLICK_TARGETS = [
  { tag_name: 'button', $el_text: 'Start free trial', classes: ['btn', 'btn-primary', 'cta'], attr__type: 'button', attr__id: 'hero-cta' },
  { tag_name: 'a', $el_text: 'Pricing', classes: ['nav-link'], attr__href: '/pricing' },
  { tag_name: 'button', $el_text: 'Add to cart', classes: ['btn', 'add-to-cart'], attr__type: 'submit', 'attr__data-sku': 'DESK-PRO-160' },
  { tag_name: 'a', $el_text: 'Read the docs', classes: ['link', 'underline'], attr__href: '/docs' },
  { tag_name: 'input', classes: ['search-input'], attr__type: 'search', attr__name: 'q' },
  { tag_name: 'button', $el_text: 'Save changes', classes: ['btn', 'btn-secondary'], attr__type: 'submit' },
  { tag_name: 'span', $el_text: 'Dashboard', classes: ['menu-item__label'] },
] as const
export const FIRST_NAMES = ['ana', 'ben', 'chloe', 'david', 'emma', 'felix', 'grace', 'hiro', 'ines', 'jonas', 'kai', 'lena', 'mateo', 'nina', 'omar', 'priya', 'quentin', 'rosa', 'sven', 'tara', 'umar', 'vera', 'wei', 'yara', 'zoe']
export const EMAIL_DOMAINS = ['gmail.com', 'outlook.com', 'acme.io', 'globex.com', 'initech.co', 'umbrella-corp.net', 'hooli.xyz', 'protonmail.com']
export const COMPANIES = [
  { key: 'acme-io', name: 'Acme', industry: 'manufacturing', plan: 'enterprise', employees: 1200 },
  { key: 'globex', name: 'Globex Corporation', industry: 'energy', plan: 'scale', employees: 340 },
  { key: 'initech', name: 'Initech', industry: 'software', plan: 'free', employees: 45 },
  { key: 'hooli', name: 'Hooli', industry: 'technology', plan: 'enterprise', employees: 9000 },
] as const
export const PRODUCTS = [
  { product_id: 'DESK-PRO-160', name: 'Standing Desk Pro 160', category: 'Desks', price: 649 },
  { product_id: 'CHAIR-ERGO-2', name: 'Ergo Chair 2', category: 'Chairs', price: 389.5 },
  { product_id: 'LAMP-ARC-BLK', name: 'Arc Lamp, black', category: 'Lighting', price: 79.99 },
  { product_id: 'MAT-WOOL-L', name: 'Wool Desk Mat L', category: 'Accessories', price: 34.9 },
] as const
export const SCREENS = ['HomeScreen', 'FeedView', 'ProductDetailView', 'CartView', 'CheckoutView', 'SettingsView', 'ProfileView', 'OnboardingStep2']
export const CURRENCIES = [['USD', 50], ['EUR', 30], ['GBP', 12], ['JPY', 4], ['BRL', 4]] as const
// Public address blocks of large consumer ISPs, so geoip lookups find places.
export const IP_PREFIXES = ['24.48', '73.162', '81.2', '86.14', '89.160', '92.184', '2.125', '151.38', '49.36', '177.72', '101.188', '212.102']
