// Boot: pick the transport, bind the stores to it, mount the app.
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import { CHART_FACTORY } from './charts/chart-factory'
import { createUplotChart } from './charts/uplot-chart'
import { createClient } from './client'
import App from './components/App.vue'
import { bindStores } from './stores'
import './styles.css'

const client = createClient()
const app = createApp(App)
app.use(createPinia())
app.provide(CHART_FACTORY, createUplotChart)
const unbind = bindStores(client)
app.mount('#app')

// dev server hot reload: drop this client's socket and listeners before the module is replaced
if (import.meta.hot) {
  import.meta.hot.dispose(() => {
    unbind()
    client.close()
    app.unmount()
  })
}
