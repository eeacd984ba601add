// AuxLosses fused contrastive kernels (NVRTC source: no CUDA headers, every type and helper is defined here).
//
// One file covers three losses over the logits S = s·X·Yᵀ (+ b for SigLIP), X [M, D] rows, Y [N, D] columns:
//   ITC     L = w_r/M Σ_i (LSE_j S_ij − T_i) + w_c/M Σ_j (LSE_i S_ij − T_j),  T = Σ_ij Q_ij S_ij,
//           Q_ij = (1 − ε)·pos_ij/n_i + ε/N                                   (row and column LSE in one sweep)
//   SUPCON  L = −c/A Σ_{i: n_i>0} (1/n_i Σ_{p∈P(i)} S_ip − LSE_{a≠i} S_ia)    (diagonal masked, A = #{i: n_i>0})
//   SIGLIP  L = 1/M Σ_ij softplus(−z_ij·S_ij),  z = +1 for same-label pairs, −1 otherwise
// Forward: each block owns a TILE-row block and a strided subset ("split") of the column tiles; per tile it forms
// the TILE×TILE logits with shared-memory FMA loops in fp32, merges the row statistics online (max-shifted LSE) and
// writes per-tile column statistics. auxl_finalize_* merges the partials, auxl_loss_* reduces the scalar in fp64.
// Backward recomputes each logits tile, forms dS, and accumulates dX = s·dS·Y, dY = s·dSᵀ·X (fp32 atomics) and
// ds = Σ dS ⊙ (X·Yᵀ), db = Σ dS (fp64 atomics): nothing of size M×N is ever stored.
//
// The host injects AUXL_TILE, AUXL_TK, AUXL_TPD (shared with the C# emulator), AUXL_ELEMENT (input dtype) and
// AUXL_MMA. AUXL_MMA=1 (compute capability >= 8.0) forms every tile product with tensor cores (inline PTX
// mma.sync: m16n8k8 TF32 for float inputs, m16n8k16 BF16/F16 for 16-bit inputs, fp32 accumulators); AUXL_MMA=0 is
// the scalar fp32 FMA path (older GPUs, or float inputs with TF32 disabled). Both share the tile (64 x 64), the
// masking, the online-LSE merge, the partial layouts, finalize and loss, so only the rounding of products differs.

#ifndef AUXL_TILE
#define AUXL_TILE 64
#endif
#ifndef AUXL_TK
#define AUXL_TK 16
#endif
#ifndef AUXL_TPD
#define AUXL_TPD 16
#endif
#ifndef AUXL_ELEMENT
#define AUXL_ELEMENT float
#endif
#ifndef AUXL_MMA
#define AUXL_MMA 0
#endif

#define AUXL_MICRO (AUXL_TILE / AUXL_TPD)
#if AUXL_MMA
// Four warps, each owning 16 rows x 64 columns of the 64 x 64 tile (row statistics stay inside a quad of lanes).
#define AUXL_THREADS 128
#if AUXL_TILE != 64
#error "the tensor-core path is laid out for AUXL_TILE == 64"
#endif
#else
#define AUXL_THREADS (AUXL_TPD * AUXL_TPD)
#endif
#define AUXL_EMPTY (-3.402823466e38f)

#if AUXL_TILE != AUXL_TPD * AUXL_MICRO || AUXL_TPD > 32 || (AUXL_TPD & (AUXL_TPD - 1)) != 0
#error "AUXL_TILE must be a multiple of AUXL_TPD, and AUXL_TPD a power of two <= 32"
#endif

#define AUXL_ITC 0
#define AUXL_SUPCON 1
#define AUXL_SIGLIP 2

typedef unsigned short auxl_u16;
struct auxl_bf16 { auxl_u16 bits; };
struct auxl_f16 { auxl_u16 bits; };

__device__ __forceinline__ float auxl_load(const float* p, long long i) { return p[i]; }

__device__ __forceinline__ float auxl_load(const auxl_bf16* p, long long i)
{
    // bf16 is the high half of a float32.
    unsigned int u = ((unsigned int)p[i].bits) << 16;
    float f;
    asm("mov.b32 %0, %1;" : "=f"(f) : "r"(u));
    return f;
}

__device__ __forceinline__ float auxl_load(const auxl_f16* p, long long i)
{
    float f;
    asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(p[i].bits));
    return f;
}

// Online max-shifted log-sum-exp merge of (m, l) = (max, Σ exp(x − max)); l = 0 marks an empty set.
__device__ __forceinline__ void auxl_merge(float& m, float& l, float m2, float l2)
{
    if (l2 <= 0.f) return;
    if (l <= 0.f) { m = m2; l = l2; return; }
    float mn = fmaxf(m, m2);
    l = l * expf(m - mn) + l2 * expf(m2 - mn);
    m = mn;
}

__device__ __forceinline__ float auxl_row_max(float v)
{
    for (int o = AUXL_TPD / 2; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

__device__ __forceinline__ float auxl_row_sum(float v)
{
    for (int o = AUXL_TPD / 2; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

// −log σ(x) = softplus(−x), overflow-free.
__device__ __forceinline__ float auxl_neg_log_sigmoid(float x) { return fmaxf(-x, 0.f) + log1pf(expf(-fabsf(x))); }

// acc[i][j] = X[r0 + ty + TPD·i] · Y[c0 + tx + TPD·j] over all of D, zero outside [M]×[N].
template <typename T>
__device__ __forceinline__ void auxl_tile_dot(const T* X, const T* Y, int M, int N, int D, int r0, int c0,
    float (*sA)[AUXL_TILE + 1], float (*sB)[AUXL_TILE + 1], float acc[AUXL_MICRO][AUXL_MICRO])
{
    const int tx = threadIdx.x % AUXL_TPD, ty = threadIdx.x / AUXL_TPD;
    for (int i = 0; i < AUXL_MICRO; ++i)
        for (int j = 0; j < AUXL_MICRO; ++j) acc[i][j] = 0.f;
    for (int k0 = 0; k0 < D; k0 += AUXL_TK)
    {
        for (int e = threadIdx.x; e < AUXL_TILE * AUXL_TK; e += AUXL_THREADS)
        {
            const int row = e / AUXL_TK, k = e % AUXL_TK, gk = k0 + k;
            const int gr = r0 + row, gc = c0 + row;
            sA[k][row] = (gr < M && gk < D) ? auxl_load(X, (long long)gr * D + gk) : 0.f;
            sB[k][row] = (gc < N && gk < D) ? auxl_load(Y, (long long)gc * D + gk) : 0.f;
        }
        __syncthreads();
        for (int k = 0; k < AUXL_TK; ++k)
        {
            float a[AUXL_MICRO], b[AUXL_MICRO];
            for (int i = 0; i < AUXL_MICRO; ++i) a[i] = sA[k][ty + AUXL_TPD * i];
            for (int j = 0; j < AUXL_MICRO; ++j) b[j] = sB[k][tx + AUXL_TPD * j];
            for (int i = 0; i < AUXL_MICRO; ++i)
                for (int j = 0; j < AUXL_MICRO; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
        }
        __syncthreads();
    }
}

// rowPart [5][splits][M]: running max, running Σexp, Σ positive logits (SigLIP: Σ softplus terms), #positives,
// Σ logits (ITC label smoothing). colPart [2][rowBlocks][N]: per-tile column max and Σexp (ITC only).
template <int MODE, typename T>
__device__ __forceinline__ void auxl_forward(const T* X, const T* Y, const long long* rowLabels, const long long* colLabels,
    int M, int N, int D, const float* scalePtr, const float* biasPtr, int maskDiagonal, int splits,
    float* rowPart, float* colPart)
{
    __shared__ float sA[AUXL_TK][AUXL_TILE + 1];
    __shared__ float sB[AUXL_TK][AUXL_TILE + 1];
    __shared__ float sColM[AUXL_TPD][AUXL_TILE];
    __shared__ float sColL[AUXL_TPD][AUXL_TILE];
    __shared__ long long sRowLab[AUXL_TILE];
    __shared__ long long sColLab[AUXL_TILE];

    const int tx = threadIdx.x % AUXL_TPD, ty = threadIdx.x / AUXL_TPD;
    const int rb = blockIdx.x, split = blockIdx.y, rowBlocks = gridDim.x;
    const int r0 = rb * AUXL_TILE;
    const int colBlocks = (N + AUXL_TILE - 1) / AUXL_TILE;
    const float scale = *scalePtr;
    const float bias = MODE == AUXL_SIGLIP ? *biasPtr : 0.f;

    float runM[AUXL_MICRO], runL[AUXL_MICRO], posSum[AUXL_MICRO], posCnt[AUXL_MICRO], allSum[AUXL_MICRO];
    for (int i = 0; i < AUXL_MICRO; ++i) { runM[i] = AUXL_EMPTY; runL[i] = 0.f; posSum[i] = 0.f; posCnt[i] = 0.f; allSum[i] = 0.f; }
    if (threadIdx.x < AUXL_TILE) sRowLab[threadIdx.x] = r0 + threadIdx.x < M ? rowLabels[r0 + threadIdx.x] : -1;

    for (int cb = split; cb < colBlocks; cb += splits)
    {
        const int c0 = cb * AUXL_TILE;
        __syncthreads();
        if (threadIdx.x < AUXL_TILE) sColLab[threadIdx.x] = c0 + threadIdx.x < N ? colLabels[c0 + threadIdx.x] : -2;
        float acc[AUXL_MICRO][AUXL_MICRO];
        auxl_tile_dot<T>(X, Y, M, N, D, r0, c0, sA, sB, acc);

        bool valid[AUXL_MICRO][AUXL_MICRO];
        for (int i = 0; i < AUXL_MICRO; ++i)
        {
            const int lr = ty + AUXL_TPD * i, r = r0 + lr;
            float tileMax = AUXL_EMPTY;
            for (int j = 0; j < AUXL_MICRO; ++j)
            {
                const int lc = tx + AUXL_TPD * j, c = c0 + lc;
                const bool v = r < M && c < N && !(maskDiagonal && r == c);
                const bool pos = v && sRowLab[lr] == sColLab[lc];
                const float s = fmaf(scale, acc[i][j], bias);
                acc[i][j] = s;
                valid[i][j] = v;
                if (!v) continue;
                if (MODE == AUXL_SIGLIP)
                {
                    posSum[i] += auxl_neg_log_sigmoid(pos ? s : -s);
                }
                else
                {
                    tileMax = fmaxf(tileMax, s);
                    if (pos) { posSum[i] += s; posCnt[i] += 1.f; }
                    allSum[i] += s;
                }
            }
            if (MODE != AUXL_SIGLIP)
            {
                tileMax = auxl_row_max(tileMax);
                float tileSum = 0.f;
                for (int j = 0; j < AUXL_MICRO; ++j)
                    if (valid[i][j]) tileSum += expf(acc[i][j] - tileMax);
                tileSum = auxl_row_sum(tileSum);
                auxl_merge(runM[i], runL[i], tileMax, tileSum);
            }
        }

        if (MODE == AUXL_ITC)
        {
            for (int j = 0; j < AUXL_MICRO; ++j)
            {
                float m = AUXL_EMPTY, l = 0.f;
                for (int i = 0; i < AUXL_MICRO; ++i)
                    if (valid[i][j]) m = fmaxf(m, acc[i][j]);
                for (int i = 0; i < AUXL_MICRO; ++i)
                    if (valid[i][j]) l += expf(acc[i][j] - m);
                sColM[ty][tx + AUXL_TPD * j] = m;
                sColL[ty][tx + AUXL_TPD * j] = l;
            }
            __syncthreads();
            if (threadIdx.x < AUXL_TILE && c0 + threadIdx.x < N)
            {
                float m = AUXL_EMPTY, l = 0.f;
                for (int t = 0; t < AUXL_TPD; ++t) auxl_merge(m, l, sColM[t][threadIdx.x], sColL[t][threadIdx.x]);
                colPart[(0 * (long long)rowBlocks + rb) * N + c0 + threadIdx.x] = m;
                colPart[(1 * (long long)rowBlocks + rb) * N + c0 + threadIdx.x] = l;
            }
        }
    }

    for (int i = 0; i < AUXL_MICRO; ++i)
    {
        const float ps = auxl_row_sum(posSum[i]), pc = auxl_row_sum(posCnt[i]), as = auxl_row_sum(allSum[i]);
        const int r = r0 + ty + AUXL_TPD * i;
        if (tx == 0 && r < M)
        {
            rowPart[(0 * (long long)splits + split) * M + r] = runM[i];
            rowPart[(1 * (long long)splits + split) * M + r] = runL[i];
            rowPart[(2 * (long long)splits + split) * M + r] = ps;
            rowPart[(3 * (long long)splits + split) * M + r] = pc;
            rowPart[(4 * (long long)splits + split) * M + r] = as;
        }
    }
}

// stats [4·M + N]: row LSE, Σ positive logits, #positives, Σ logits (each [M]), then column LSE [N] (ITC).
template <int MODE>
__device__ __forceinline__ void auxl_finalize(const float* rowPart, const float* colPart, int M, int N, int splits, int rowBlocks, float* stats)
{
    const int t = blockIdx.x * blockDim.x + threadIdx.x;
    if (t < M)
    {
        float m = AUXL_EMPTY, l = 0.f, ps = 0.f, pc = 0.f, as = 0.f;
        for (int sp = 0; sp < splits; ++sp)
        {
            auxl_merge(m, l, rowPart[(0 * (long long)splits + sp) * M + t], rowPart[(1 * (long long)splits + sp) * M + t]);
            ps += rowPart[(2 * (long long)splits + sp) * M + t];
            pc += rowPart[(3 * (long long)splits + sp) * M + t];
            as += rowPart[(4 * (long long)splits + sp) * M + t];
        }
        stats[t] = l > 0.f ? m + logf(l) : logf(0.f);
        stats[M + t] = ps;
        stats[2 * M + t] = pc;
        stats[3 * M + t] = as;
    }
    if (MODE == AUXL_ITC && t < N)
    {
        float m = AUXL_EMPTY, l = 0.f;
        for (int rb = 0; rb < rowBlocks; ++rb)
            auxl_merge(m, l, colPart[(0 * (long long)rowBlocks + rb) * N + t], colPart[(1 * (long long)rowBlocks + rb) * N + t]);
        stats[4 * M + t] = l > 0.f ? m + logf(l) : logf(0.f);
    }
}

// One block of AUXL_THREADS: out[0] = loss, out[1] = A (SupCon: anchors with a positive).
template <int MODE>
__device__ __forceinline__ void auxl_loss(const float* stats, int M, int N, float smoothing, float rowWeight, float columnWeight, float coefficient, float* out)
{
    __shared__ double sSum[AUXL_THREADS][4];
    double lseSum = 0.0, colSum = 0.0, target = 0.0, anchors = 0.0;
    for (int i = threadIdx.x; i < M; i += AUXL_THREADS)
    {
        const double lse = stats[i], ps = stats[M + i], pc = stats[2 * M + i], as = stats[3 * M + i];
        if (MODE == AUXL_ITC)
        {
            lseSum += lse;
            target += (1.0 - smoothing) * ps / (pc > 1.0 ? pc : 1.0) + smoothing / N * as;
        }
        else if (MODE == AUXL_SUPCON)
        {
            if (pc > 0.0) { target += ps / pc - lse; anchors += 1.0; }
        }
        else
        {
            target += ps;
        }
    }
    if (MODE == AUXL_ITC)
        for (int j = threadIdx.x; j < N; j += AUXL_THREADS) colSum += stats[4 * M + j];
    sSum[threadIdx.x][0] = lseSum; sSum[threadIdx.x][1] = colSum; sSum[threadIdx.x][2] = target; sSum[threadIdx.x][3] = anchors;
    __syncthreads();
    for (int o = AUXL_THREADS / 2; o > 0; o >>= 1)
    {
        if (threadIdx.x < o)
            for (int q = 0; q < 4; ++q) sSum[threadIdx.x][q] += sSum[threadIdx.x + o][q];
        __syncthreads();
    }
    if (threadIdx.x == 0)
    {
        double loss;
        if (MODE == AUXL_ITC)
            loss = rowWeight / M * (sSum[0][0] - sSum[0][2]) + columnWeight / M * (sSum[0][1] - sSum[0][2]);
        else if (MODE == AUXL_SUPCON)
            loss = -coefficient * sSum[0][2] / (sSum[0][3] > 1.0 ? sSum[0][3] : 1.0);
        else
            loss = sSum[0][2] / M;
        out[0] = (float)loss;
        out[1] = (float)sSum[0][3];
    }
}

// Block (cb, rb) recomputes one logits tile and scatters its share of dX, dY, ds, db. gradScalars = [ds, db] (fp64).
template <int MODE, typename T>
__device__ __forceinline__ void auxl_backward(const T* X, const T* Y, const long long* rowLabels, const long long* colLabels,
    int M, int N, int D, const float* scalePtr, const float* biasPtr, int maskDiagonal, const float* stats, const float* out,
    const float* upstream, float smoothing, float rowWeight, float columnWeight, float coefficient,
    float* dX, float* dY, double* gradScalars)
{
    __shared__ float sA[AUXL_TK][AUXL_TILE + 1];
    __shared__ float sB[AUXL_TK][AUXL_TILE + 1];
    __shared__ float sdS[AUXL_TILE][AUXL_TILE + 1];
    __shared__ float sChunk[AUXL_TILE][AUXL_TILE + 1];
    __shared__ long long sRowLab[AUXL_TILE];
    __shared__ long long sColLab[AUXL_TILE];
    __shared__ double sRed[AUXL_THREADS / 32][2];

    const int tx = threadIdx.x % AUXL_TPD, ty = threadIdx.x / AUXL_TPD;
    const int c0 = blockIdx.x * AUXL_TILE, r0 = blockIdx.y * AUXL_TILE;
    const float scale = *scalePtr;
    const float bias = MODE == AUXL_SIGLIP ? *biasPtr : 0.f;
    const float g = *upstream;
    const float anchors = fmaxf(out[1], 1.f);
    if (threadIdx.x < AUXL_TILE)
    {
        sRowLab[threadIdx.x] = r0 + threadIdx.x < M ? rowLabels[r0 + threadIdx.x] : -1;
        sColLab[threadIdx.x] = c0 + threadIdx.x < N ? colLabels[c0 + threadIdx.x] : -2;
    }
    float acc[AUXL_MICRO][AUXL_MICRO];
    auxl_tile_dot<T>(X, Y, M, N, D, r0, c0, sA, sB, acc);

    float localDs = 0.f, localDb = 0.f;
    for (int i = 0; i < AUXL_MICRO; ++i)
    {
        const int lr = ty + AUXL_TPD * i, r = r0 + lr;
        for (int j = 0; j < AUXL_MICRO; ++j)
        {
            const int lc = tx + AUXL_TPD * j, c = c0 + lc;
            const bool v = r < M && c < N && !(maskDiagonal && r == c);
            float d = 0.f;
            if (v)
            {
                const bool pos = sRowLab[lr] == sColLab[lc];
                const float s = fmaf(scale, acc[i][j], bias);
                if (MODE == AUXL_ITC)
                {
                    const float n = fmaxf(stats[2 * M + r], 1.f);
                    const float q = (pos ? (1.f - smoothing) / n : 0.f) + smoothing / N;
                    d = rowWeight / M * (expf(s - stats[r]) - q) + columnWeight / M * (expf(s - stats[4 * M + c]) - q);
                }
                else if (MODE == AUXL_SUPCON)
                {
                    const float n = stats[2 * M + r];
                    if (n > 0.f) d = -coefficient / anchors * ((pos ? 1.f / n : 0.f) - expf(s - stats[r]));
                }
                else
                {
                    const float z = pos ? 1.f : -1.f;
                    d = -z / (1.f + expf(z * s)) / M;
                }
                d *= g;
            }
            sdS[lr][lc] = d;
            localDs += d * acc[i][j];
            localDb += d;
        }
    }
    __syncthreads();

    // dX[r0.., :] += s · dS · Y[c0.., :]
    for (int d0 = 0; d0 < D; d0 += AUXL_TILE)
    {
        for (int e = threadIdx.x; e < AUXL_TILE * AUXL_TILE; e += AUXL_THREADS)
        {
            const int k = e / AUXL_TILE, dd = e % AUXL_TILE;
            sChunk[k][dd] = (c0 + k < N && d0 + dd < D) ? auxl_load(Y, (long long)(c0 + k) * D + d0 + dd) : 0.f;
        }
        __syncthreads();
        float o[AUXL_MICRO][AUXL_MICRO] = {};
        for (int k = 0; k < AUXL_TILE; ++k)
        {
            float a[AUXL_MICRO], b[AUXL_MICRO];
            for (int i = 0; i < AUXL_MICRO; ++i) a[i] = sdS[ty + AUXL_TPD * i][k];
            for (int j = 0; j < AUXL_MICRO; ++j) b[j] = sChunk[k][tx + AUXL_TPD * j];
            for (int i = 0; i < AUXL_MICRO; ++i)
                for (int j = 0; j < AUXL_MICRO; ++j) o[i][j] = fmaf(a[i], b[j], o[i][j]);
        }
        for (int i = 0; i < AUXL_MICRO; ++i)
            for (int j = 0; j < AUXL_MICRO; ++j)
            {
                const int r = r0 + ty + AUXL_TPD * i, dd = d0 + tx + AUXL_TPD * j;
                if (r < M && dd < D) atomicAdd(dX + (long long)r * D + dd, scale * o[i][j]);
            }
        __syncthreads();
    }

    // dY[c0.., :] += s · dSᵀ · X[r0.., :]
    for (int d0 = 0; d0 < D; d0 += AUXL_TILE)
    {
        for (int e = threadIdx.x; e < AUXL_TILE * AUXL_TILE; e += AUXL_THREADS)
        {
            const int k = e / AUXL_TILE, dd = e % AUXL_TILE;
            sChunk[k][dd] = (r0 + k < M && d0 + dd < D) ? auxl_load(X, (long long)(r0 + k) * D + d0 + dd) : 0.f;
        }
        __syncthreads();
        float o[AUXL_MICRO][AUXL_MICRO] = {};
        for (int k = 0; k < AUXL_TILE; ++k)
        {
            float a[AUXL_MICRO], b[AUXL_MICRO];
            for (int i = 0; i < AUXL_MICRO; ++i) a[i] = sdS[k][ty + AUXL_TPD * i];
            for (int j = 0; j < AUXL_MICRO; ++j) b[j] = sChunk[k][tx + AUXL_TPD * j];
            for (int i = 0; i < AUXL_MICRO; ++i)
                for (int j = 0; j < AUXL_MICRO; ++j) o[i][j] = fmaf(a[i], b[j], o[i][j]);
        }
        for (int i = 0; i < AUXL_MICRO; ++i)
            for (int j = 0; j < AUXL_MICRO; ++j)
            {
                const int c = c0 + ty + AUXL_TPD * i, dd = d0 + tx + AUXL_TPD * j;
                if (c < N && dd < D) atomicAdd(dY + (long long)c * D + dd, scale * o[i][j]);
            }
        __syncthreads();
    }

    // ds and db: warp shuffle, then one fp64 atomic per block.
    double ds = localDs, db = localDb;
    for (int o = 16; o > 0; o >>= 1)
    {
        ds += __shfl_xor_sync(0xffffffffu, ds, o);
        db += __shfl_xor_sync(0xffffffffu, db, o);
    }
    if (threadIdx.x % 32 == 0) { sRed[threadIdx.x / 32][0] = ds; sRed[threadIdx.x / 32][1] = db; }
    __syncthreads();
    if (threadIdx.x == 0)
    {
        double a = 0.0, b = 0.0;
        for (int w = 0; w < AUXL_THREADS / 32; ++w) { a += sRed[w][0]; b += sRed[w][1]; }
        atomicAdd(gradScalars, a);
        atomicAdd(gradScalars + 1, b);
    }
}

// ------------------------------------------------------------------------------------------------------------
// Tensor-core path (AUXL_MMA=1, sm_80+). Operands are staged in shared memory as 32-bit words: one TF32 value
// (float inputs, rounded to nearest with cvt.rna) or two BF16/F16 values (16-bit inputs, bits copied). In words,
// an m16n8k8 TF32 step and an m16n8k16 BF16/F16 step read identical fragments: A = rows g and g+8, words t and
// t+4 of an 8-word k-step; B = column g, words t and t+4 (g = lane / 4, t = lane % 4). Rows are padded to a
// stride of 4 mod 32 words, so those reads are free of bank conflicts.
// ------------------------------------------------------------------------------------------------------------
#if AUXL_MMA

#define AUXL_KW 36 // words per staged row: 32-word k-slices + 4 padding

struct alignas(16) auxl_u4 { unsigned x, y, z, w; };

__device__ __forceinline__ float auxl_as_float(unsigned u)
{
    float f;
    asm("mov.b32 %0, %1;" : "=f"(f) : "r"(u));
    return f;
}

__device__ __forceinline__ unsigned auxl_tf32(float f)
{
    unsigned u;
    asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(u) : "f"(f));
    return u;
}

// Inline asm that must stay ordered with barriers and memory (the host syntax check defines it away).
#ifndef auxl_asm_volatile
#define auxl_asm_volatile(...) asm volatile(__VA_ARGS__)
#endif

__device__ __forceinline__ unsigned auxl_smem_addr(const void* p)
{
    unsigned a;
    asm("{ .reg .u64 t; cvta.to.shared.u64 t, %1; cvt.u32.u64 %0, t; }" : "=r"(a) : "l"(p));
    return a;
}

// Four 8x8 b16 matrices (= 8 rows x 4 words each) from shared memory; lane L addresses row L % 8 of matrix L / 8.
__device__ __forceinline__ void auxl_ldsm4(unsigned addr, unsigned& r0, unsigned& r1, unsigned& r2, unsigned& r3)
{
    auxl_asm_volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];"
        : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(addr) : "memory");
}

// out[i] += a, out[i + 1] += b (i even, 8-byte aligned): one vector reduction on sm_90, two atomics before.
__device__ __forceinline__ void auxl_red2(float* out, float a, float b)
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    auxl_asm_volatile("red.global.v2.f32.add [%0], {%1, %2};" :: "l"(out), "f"(a), "f"(b) : "memory");
#else
    atomicAdd(out, a);
    atomicAdd(out + 1, b);
#endif
}

template <typename T> struct auxl_mma_traits;

template <> struct auxl_mma_traits<float>
{
    static constexpr int epw = 1; // elements per word
    static __device__ __forceinline__ void mma(float* c, unsigned a0, unsigned a1, unsigned a2, unsigned a3, unsigned b0, unsigned b1)
    {
        asm("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
            : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3]) : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));
    }
    // Element k of a staged row, from a float value.
    static __device__ __forceinline__ void put(unsigned* row, int k, float v) { row[k] = auxl_tf32(v); }
    // Element k of a staged row, copied from p[i] (0 when absent).
    static __device__ __forceinline__ void copy(unsigned* row, int k, const float* p, long long i, bool present) { row[k] = present ? auxl_tf32(p[i]) : 0u; }
    // Word w (element w) of the row starting at p[base]; 0 beyond D.
    static __device__ __forceinline__ unsigned word(const float* p, long long base, int w, int D) { return w < D ? auxl_tf32(p[base + w]) : 0u; }
    static __device__ __forceinline__ auxl_u4 word4(const float* p, long long base, int w)
    {
        auxl_u4 v = *reinterpret_cast<const auxl_u4*>(p + base + w);
        v.x = auxl_tf32(auxl_as_float(v.x)); v.y = auxl_tf32(auxl_as_float(v.y));
        v.z = auxl_tf32(auxl_as_float(v.z)); v.w = auxl_tf32(auxl_as_float(v.w));
        return v;
    }
};

template <typename T> struct auxl_mma_traits16
{
    static constexpr int epw = 2;
    static __device__ __forceinline__ void copy(unsigned* row, int k, const T* p, long long i, bool present)
    {
        reinterpret_cast<auxl_u16*>(row)[k] = present ? p[i].bits : (auxl_u16)0;
    }
    static __device__ __forceinline__ unsigned word(const T* p, long long base, int w, int D)
    {
        const int k = 2 * w;
        const unsigned lo = k < D ? p[base + k].bits : 0u, hi = k + 1 < D ? p[base + k + 1].bits : 0u;
        return lo | (hi << 16);
    }
    static __device__ __forceinline__ auxl_u4 word4(const T* p, long long base, int w)
    {
        return *reinterpret_cast<const auxl_u4*>(p + base + 2 * w);
    }
};

template <> struct auxl_mma_traits<auxl_bf16> : auxl_mma_traits16<auxl_bf16>
{
    static __device__ __forceinline__ void mma(float* c, unsigned a0, unsigned a1, unsigned a2, unsigned a3, unsigned b0, unsigned b1)
    {
        asm("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
            : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3]) : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));
    }
    static __device__ __forceinline__ void put(unsigned* row, int k, float v)
    {
        auxl_u16 h;
        asm("cvt.rn.bf16.f32 %0, %1;" : "=h"(h) : "f"(v));
        reinterpret_cast<auxl_u16*>(row)[k] = h;
    }
};

template <> struct auxl_mma_traits<auxl_f16> : auxl_mma_traits16<auxl_f16>
{
    static __device__ __forceinline__ void mma(float* c, unsigned a0, unsigned a1, unsigned a2, unsigned a3, unsigned b0, unsigned b1)
    {
        asm("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
            : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3]) : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));
    }
    static __device__ __forceinline__ void put(unsigned* row, int k, float v)
    {
        auxl_u16 h;
        asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(v));
        reinterpret_cast<auxl_u16*>(row)[k] = h;
    }
};

__device__ __forceinline__ float auxl_quad_max(float v)
{
    v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, 1));
    return fmaxf(v, __shfl_xor_sync(0xffffffffu, v, 2));
}

__device__ __forceinline__ float auxl_quad_sum(float v)
{
    v += __shfl_xor_sync(0xffffffffu, v, 1);
    return v + __shfl_xor_sync(0xffffffffu, v, 2);
}

// 16-byte loads need D·sizeof(T) to be a multiple of 16 and 16-byte aligned bases.
template <typename T>
__device__ __forceinline__ bool auxl_vectorizable(const T* X, const T* Y, int D)
{
    return (D % (4 * auxl_mma_traits<T>::epw)) == 0 && ((unsigned long long)X & 15ull) == 0 && ((unsigned long long)Y & 15ull) == 0;
}

// Global -> registers: words [wb, wb + 32) of the 64 rows of X at r0 and of Y at c0 (8 x 4 words per thread).
template <typename T>
__device__ __forceinline__ void auxl_stage_load(const T* X, const T* Y, int M, int N, int D, int DW, int r0, int c0, int wb, bool vec, auxl_u4 pre[8])
{
    for (int i = 0; i < 8; ++i)
    {
        const int idx = threadIdx.x + AUXL_THREADS * i;
        const int mat = idx >> 9, row = (idx >> 3) & 63, w = wb + (idx & 7) * 4;
        const int gr = (mat ? c0 : r0) + row;
        const T* P = mat ? Y : X;
        auxl_u4 v = { 0u, 0u, 0u, 0u };
        if (gr < (mat ? N : M) && w < DW)
        {
            const long long base = (long long)gr * D;
            if (vec)
            {
                v = auxl_mma_traits<T>::word4(P, base, w);
            }
            else
            {
                v.x = auxl_mma_traits<T>::word(P, base, w, D);
                v.y = auxl_mma_traits<T>::word(P, base, w + 1, D);
                v.z = auxl_mma_traits<T>::word(P, base, w + 2, D);
                v.w = auxl_mma_traits<T>::word(P, base, w + 3, D);
            }
        }
        pre[i] = v;
    }
}

__device__ __forceinline__ void auxl_stage_store(unsigned (*sA)[AUXL_KW], unsigned (*sB)[AUXL_KW], const auxl_u4 pre[8])
{
    for (int i = 0; i < 8; ++i)
    {
        const int idx = threadIdx.x + AUXL_THREADS * i;
        const int mat = idx >> 9, row = (idx >> 3) & 63, w = (idx & 7) * 4;
        *reinterpret_cast<auxl_u4*>((mat ? sB : sA)[row] + w) = pre[i];
    }
}

// acc[nf][q] += A[16·warp + g + 8·(q / 2)][k] · B[8·nf + 2·t + q % 2][k] over kwords words of k, both operands
// row-major in words with row stride S (S ≡ 4 mod 32: the ldmatrix phases hit 32 distinct banks). ldmatrix.x4
// yields exactly the A fragment (a0..a3) and the B fragments of two n-tiles, one instruction each.
template <typename T, int S>
__device__ __forceinline__ void auxl_warp_mma(const unsigned (*sAm)[S], const unsigned (*sBm)[S], int kwords, float acc[8][4])
{
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, j = lane & 7, m = lane >> 3;
    const unsigned aBase = auxl_smem_addr(sAm[warp * 16 + j + 8 * (m & 1)] + 4 * (m >> 1));
    const unsigned bBase = auxl_smem_addr(sBm[j + 8 * (m >> 1)] + 4 * (m & 1));
    for (int ks = 0; ks < kwords; ks += 8)
    {
        unsigned a0, a1, a2, a3;
        auxl_ldsm4(aBase + 4 * ks, a0, a1, a2, a3);
        for (int p = 0; p < 4; ++p)
        {
            unsigned b0, b1, b2, b3;
            auxl_ldsm4(bBase + 4 * (p * 16 * S + ks), b0, b1, b2, b3);
            auxl_mma_traits<T>::mma(acc[2 * p], a0, a1, a2, a3, b0, b1);
            auxl_mma_traits<T>::mma(acc[2 * p + 1], a0, a1, a2, a3, b2, b3);
        }
    }
}

// acc[nf][q] = X[r0 + lr]·Y[c0 + lc] for lr = 16·warp + g + 8·(q / 2), lc = 8·nf + 2·t + q % 2 (zero outside the
// matrix). Register prefetch of the next k-slice overlaps the global loads with the tensor-core work.
template <typename T>
__device__ __forceinline__ void auxl_mma_tile(const T* X, const T* Y, int M, int N, int D, int r0, int c0, bool vec,
    unsigned (*sA)[AUXL_KW], unsigned (*sB)[AUXL_KW], float acc[8][4])
{
    const int DW = (D + auxl_mma_traits<T>::epw - 1) / auxl_mma_traits<T>::epw;
    for (int nf = 0; nf < 8; ++nf)
        for (int q = 0; q < 4; ++q) acc[nf][q] = 0.f;
    auxl_u4 pre[8];
    auxl_stage_load<T>(X, Y, M, N, D, DW, r0, c0, 0, vec, pre);
    for (int wb = 0; wb < DW; wb += 32)
    {
        auxl_stage_store(sA, sB, pre);
        __syncthreads();
        if (wb + 32 < DW) auxl_stage_load<T>(X, Y, M, N, D, DW, r0, c0, wb + 32, vec, pre);
        auxl_warp_mma<T, AUXL_KW>(sA, sB, DW - wb < 32 ? DW - wb : 32, acc);
        __syncthreads();
    }
}

template <int MODE, typename T>
__device__ __forceinline__ void auxl_forward_mma(const T* X, const T* Y, const long long* rowLabels, const long long* colLabels,
    int M, int N, int D, const float* scalePtr, const float* biasPtr, int maskDiagonal, int splits,
    float* rowPart, float* colPart)
{
    __shared__ auxl_u4 sStage[2 * 64 * AUXL_KW / 4];
    __shared__ float sColM[4][64];
    __shared__ float sColL[4][64];
    __shared__ long long sRowLab[64];
    __shared__ long long sColLab[64];
    unsigned (*sA)[AUXL_KW] = reinterpret_cast<unsigned (*)[AUXL_KW]>(sStage);
    unsigned (*sB)[AUXL_KW] = sA + 64;

    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, g = lane >> 2, t = lane & 3;
    const int rb = blockIdx.x, split = blockIdx.y, rowBlocks = gridDim.x;
    const int r0 = rb * 64;
    const int colBlocks = (N + 63) / 64;
    const float scale = *scalePtr;
    const float bias = MODE == AUXL_SIGLIP ? *biasPtr : 0.f;
    const bool vec = auxl_vectorizable<T>(X, Y, D);

    float runM[2], runL[2], posSum[2], posCnt[2], allSum[2];
    for (int i = 0; i < 2; ++i) { runM[i] = AUXL_EMPTY; runL[i] = 0.f; posSum[i] = 0.f; posCnt[i] = 0.f; allSum[i] = 0.f; }
    if (threadIdx.x < 64) sRowLab[threadIdx.x] = r0 + threadIdx.x < M ? rowLabels[r0 + threadIdx.x] : -1;

    for (int cb = split; cb < colBlocks; cb += splits)
    {
        const int c0 = cb * 64;
        __syncthreads();
        if (threadIdx.x < 64) sColLab[threadIdx.x] = c0 + threadIdx.x < N ? colLabels[c0 + threadIdx.x] : -2;
        float acc[8][4];
        auxl_mma_tile<T>(X, Y, M, N, D, r0, c0, vec, sA, sB, acc);

        unsigned valid = 0u; // bit 4·nf + q
        for (int i = 0; i < 2; ++i)
        {
            const int lr = warp * 16 + g + 8 * i, r = r0 + lr;
            const long long rowLab = sRowLab[lr];
            float tileMax = AUXL_EMPTY;
            for (int nf = 0; nf < 8; ++nf)
                for (int h = 0; h < 2; ++h)
                {
                    const int q = 2 * i + h, lc = nf * 8 + 2 * t + h, c = c0 + lc;
                    const bool v = r < M && c < N && !(maskDiagonal && r == c);
                    const bool pos = v && rowLab == sColLab[lc];
                    const float s = fmaf(scale, acc[nf][q], bias);
                    acc[nf][q] = s;
                    if (!v) continue;
                    valid |= 1u << (4 * nf + q);
                    if (MODE == AUXL_SIGLIP)
                    {
                        posSum[i] += auxl_neg_log_sigmoid(pos ? s : -s);
                    }
                    else
                    {
                        tileMax = fmaxf(tileMax, s);
                        if (pos) { posSum[i] += s; posCnt[i] += 1.f; }
                        allSum[i] += s;
                    }
                }
            if (MODE != AUXL_SIGLIP)
            {
                tileMax = auxl_quad_max(tileMax);
                float tileSum = 0.f;
                for (int nf = 0; nf < 8; ++nf)
                    for (int h = 0; h < 2; ++h)
                        if (valid & (1u << (4 * nf + 2 * i + h))) tileSum += expf(acc[nf][2 * i + h] - tileMax);
                tileSum = auxl_quad_sum(tileSum);
                auxl_merge(runM[i], runL[i], tileMax, tileSum);
            }
        }

        if (MODE == AUXL_ITC)
        {
            // Column statistics: this warp's 16 rows via shuffles over g, then the four warps through shared memory.
            for (int nf = 0; nf < 8; ++nf)
                for (int h = 0; h < 2; ++h)
                {
                    const bool v0 = (valid >> (4 * nf + h)) & 1u, v1 = (valid >> (4 * nf + 2 + h)) & 1u;
                    const float e0 = acc[nf][h], e1 = acc[nf][2 + h];
                    float m = AUXL_EMPTY;
                    if (v0) m = fmaxf(m, e0);
                    if (v1) m = fmaxf(m, e1);
                    for (int o = 4; o < 32; o <<= 1) m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, o));
                    float l = (v0 ? expf(e0 - m) : 0.f) + (v1 ? expf(e1 - m) : 0.f);
                    for (int o = 4; o < 32; o <<= 1) l += __shfl_xor_sync(0xffffffffu, l, o);
                    if (g == 0)
                    {
                        sColM[warp][nf * 8 + 2 * t + h] = m;
                        sColL[warp][nf * 8 + 2 * t + h] = l;
                    }
                }
            __syncthreads();
            if (threadIdx.x < 64 && c0 + threadIdx.x < N)
            {
                float m = AUXL_EMPTY, l = 0.f;
                for (int w = 0; w < 4; ++w) auxl_merge(m, l, sColM[w][threadIdx.x], sColL[w][threadIdx.x]);
                colPart[(0 * (long long)rowBlocks + rb) * N + c0 + threadIdx.x] = m;
                colPart[(1 * (long long)rowBlocks + rb) * N + c0 + threadIdx.x] = l;
            }
        }
    }

    for (int i = 0; i < 2; ++i)
    {
        const float ps = auxl_quad_sum(posSum[i]), pc = auxl_quad_sum(posCnt[i]), as = auxl_quad_sum(allSum[i]);
        const int r = r0 + warp * 16 + g + 8 * i;
        if (t == 0 && r < M)
        {
            rowPart[(0 * (long long)splits + split) * M + r] = runM[i];
            rowPart[(1 * (long long)splits + split) * M + r] = runL[i];
            rowPart[(2 * (long long)splits + split) * M + r] = ps;
            rowPart[(3 * (long long)splits + split) * M + r] = pc;
            rowPart[(4 * (long long)splits + split) * M + r] = as;
        }
    }
}

// out[lr][d0 + ·] += f · P[lr][:] · Bᵀ for the warp's 16 rows: P [64 rows][64 k] staged in sP, the k x 64 chunk
// of the other matrix staged transposed in sT ([d][k]); accumulated in fp32, one atomic per element.
template <typename T, int PW>
__device__ __forceinline__ void auxl_mma_scatter(unsigned (*sP)[PW], unsigned (*sT)[PW], float* out, int o0, int rowsOut, int d0, int D, float f, bool pairs)
{
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, g = lane >> 2, t = lane & 3;
    float o[8][4];
    for (int nf = 0; nf < 8; ++nf)
        for (int q = 0; q < 4; ++q) o[nf][q] = 0.f;
    auxl_warp_mma<T, PW>(sP, sT, 64 / auxl_mma_traits<T>::epw, o);
    for (int nf = 0; nf < 8; ++nf)
        for (int h = 0; h < 2; ++h)
        {
            const int r = o0 + warp * 16 + g + 8 * h, d = d0 + nf * 8 + 2 * t;
            if (r >= rowsOut || d >= D) continue;
            float* p = out + (long long)r * D + d;
            if (pairs) auxl_red2(p, f * o[nf][2 * h], f * o[nf][2 * h + 1]);
            else
            {
                atomicAdd(p, f * o[nf][2 * h]);
                if (d + 1 < D) atomicAdd(p + 1, f * o[nf][2 * h + 1]);
            }
        }
}

// sT[dd][k] = P[p0 + k][d0 + dd] (zero outside): the chunk transposed so k pairs are contiguous for the B fragment.
template <typename T, int PW>
__device__ __forceinline__ void auxl_stage_transposed(const T* P, int rows, int D, int p0, int d0, unsigned (*sT)[PW])
{
    for (int e = threadIdx.x; e < 64 * 64; e += AUXL_THREADS)
    {
        const int k = e >> 6, dd = e & 63;
        const bool present = p0 + k < rows && d0 + dd < D;
        auxl_mma_traits<T>::copy(sT[dd], k, P, present ? (long long)(p0 + k) * D + d0 + dd : 0, present);
    }
}

// Block (cb, rb): recompute the logits tile with tensor cores, form dS, then dX += s·dS·Y and dY += s·dSᵀ·X with
// tensor cores in 64-wide chunks of D. dS is staged without its common factor (g/M, or SupCon's c·g/A), so its
// entries stay within [−2, 2] and survive the 16-bit rounding a BF16/F16 product needs; the factor is applied
// to the fp32 results.
template <int MODE, typename T>
__device__ __forceinline__ void auxl_backward_mma(const T* X, const T* Y, const long long* rowLabels, const long long* colLabels,
    int M, int N, int D, const float* scalePtr, const float* biasPtr, int maskDiagonal, const float* stats, const float* out,
    const float* upstream, float smoothing, float rowWeight, float columnWeight, float coefficient,
    float* dX, float* dY, double* gradScalars)
{
    constexpr int PW = 64 / auxl_mma_traits<T>::epw + 4;
    __shared__ auxl_u4 sStage[2 * 64 * AUXL_KW / 4]; // the S-product staging, later the transposed chunk [64][PW]
    __shared__ auxl_u4 sPv[64 * PW / 4];              // dS [r][c], later dSᵀ [c][r]
    __shared__ long long sRowLab[64];
    __shared__ long long sColLab[64];
    __shared__ double sRed[AUXL_THREADS / 32][2];
    unsigned (*sA)[AUXL_KW] = reinterpret_cast<unsigned (*)[AUXL_KW]>(sStage);
    unsigned (*sB)[AUXL_KW] = sA + 64;
    unsigned (*sT)[PW] = reinterpret_cast<unsigned (*)[PW]>(sStage);
    unsigned (*sP)[PW] = reinterpret_cast<unsigned (*)[PW]>(sPv);

    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, g = lane >> 2, t = lane & 3;
    const int c0 = blockIdx.x * 64, r0 = blockIdx.y * 64;
    const float scale = *scalePtr;
    const float bias = MODE == AUXL_SIGLIP ? *biasPtr : 0.f;
    const float gUp = *upstream;
    const float factor = MODE == AUXL_SUPCON ? coefficient * gUp / fmaxf(out[1], 1.f) : gUp / M;
    if (threadIdx.x < 64)
    {
        sRowLab[threadIdx.x] = r0 + threadIdx.x < M ? rowLabels[r0 + threadIdx.x] : -1;
        sColLab[threadIdx.x] = c0 + threadIdx.x < N ? colLabels[c0 + threadIdx.x] : -2;
    }
    float acc[8][4];
    auxl_mma_tile<T>(X, Y, M, N, D, r0, c0, auxl_vectorizable<T>(X, Y, D), sA, sB, acc);

    float localDs = 0.f, localDb = 0.f;
    for (int i = 0; i < 2; ++i)
    {
        const int lr = warp * 16 + g + 8 * i, r = r0 + lr;
        const bool rowOk = r < M;
        const float lseRow = rowOk ? stats[r] : 0.f;
        const float count = rowOk ? stats[2 * M + r] : 0.f;
        const long long rowLab = sRowLab[lr];
        for (int nf = 0; nf < 8; ++nf)
            for (int h = 0; h < 2; ++h)
            {
                const int q = 2 * i + h, lc = nf * 8 + 2 * t + h, c = c0 + lc;
                const bool v = rowOk && c < N && !(maskDiagonal && r == c);
                float d = 0.f;
                if (v)
                {
                    const bool pos = rowLab == sColLab[lc];
                    const float s = fmaf(scale, acc[nf][q], bias);
                    if (MODE == AUXL_ITC)
                    {
                        const float qv = (pos ? (1.f - smoothing) / fmaxf(count, 1.f) : 0.f) + smoothing / N;
                        d = rowWeight * (expf(s - lseRow) - qv) + columnWeight * (expf(s - stats[4 * M + c]) - qv);
                    }
                    else if (MODE == AUXL_SUPCON)
                    {
                        if (count > 0.f) d = expf(s - lseRow) - (pos ? 1.f / count : 0.f);
                    }
                    else
                    {
                        const float z = pos ? 1.f : -1.f;
                        d = -z / (1.f + expf(z * s));
                    }
                }
                localDs += d * acc[nf][q];
                localDb += d;
                acc[nf][q] = d;
                auxl_mma_traits<T>::put(sP[lr], lc, d);
            }
    }
    __syncthreads();

    const float f = scale * factor;
    // Vector reductions need even D and 8-byte aligned gradient buffers.
    const bool pairs = (D & 1) == 0 && (((unsigned long long)dX | (unsigned long long)dY) & 7ull) == 0;
    for (int d0 = 0; d0 < D; d0 += 64)
    {
        auxl_stage_transposed<T, PW>(Y, N, D, c0, d0, sT);
        __syncthreads();
        auxl_mma_scatter<T, PW>(sP, sT, dX, r0, M, d0, D, f, pairs);
        __syncthreads();
    }

    // dSᵀ: row lc, k = lr.
    for (int i = 0; i < 2; ++i)
        for (int nf = 0; nf < 8; ++nf)
            for (int h = 0; h < 2; ++h)
                auxl_mma_traits<T>::put(sP[nf * 8 + 2 * t + h], warp * 16 + g + 8 * i, acc[nf][2 * i + h]);
    __syncthreads();
    for (int d0 = 0; d0 < D; d0 += 64)
    {
        auxl_stage_transposed<T, PW>(X, M, D, r0, d0, sT);
        __syncthreads();
        auxl_mma_scatter<T, PW>(sP, sT, dY, c0, N, d0, D, f, pairs);
        __syncthreads();
    }

    double ds = localDs, db = localDb;
    for (int o = 16; o > 0; o >>= 1)
    {
        ds += __shfl_xor_sync(0xffffffffu, ds, o);
        db += __shfl_xor_sync(0xffffffffu, db, o);
    }
    if (lane == 0) { sRed[warp][0] = ds; sRed[warp][1] = db; }
    __syncthreads();
    if (threadIdx.x == 0)
    {
        double a = 0.0, b = 0.0;
        for (int w = 0; w < AUXL_THREADS / 32; ++w) { a += sRed[w][0]; b += sRed[w][1]; }
        atomicAdd(gradScalars, factor * a);
        atomicAdd(gradScalars + 1, factor * b);
    }
}

#define AUXL_FORWARD_IMPL auxl_forward_mma
#define AUXL_BACKWARD_IMPL auxl_backward_mma
#else
#define AUXL_FORWARD_IMPL auxl_forward
#define AUXL_BACKWARD_IMPL auxl_backward
#endif

#define AUXL_FORWARD_ARGS const AUXL_ELEMENT* X, const AUXL_ELEMENT* Y, const long long* rowLabels, const long long* colLabels, \
    int M, int N, int D, const float* scalePtr, const float* biasPtr, int maskDiagonal, int splits, float* rowPart, float* colPart
#define AUXL_BACKWARD_ARGS const AUXL_ELEMENT* X, const AUXL_ELEMENT* Y, const long long* rowLabels, const long long* colLabels, \
    int M, int N, int D, const float* scalePtr, const float* biasPtr, int maskDiagonal, const float* stats, const float* out, \
    const float* upstream, float smoothing, float rowWeight, float columnWeight, float coefficient, float* dX, float* dY, double* gradScalars
#define AUXL_FINALIZE_ARGS const float* rowPart, const float* colPart, int M, int N, int splits, int rowBlocks, float* stats
#define AUXL_LOSS_ARGS const float* stats, int M, int N, float smoothing, float rowWeight, float columnWeight, float coefficient, float* out

#define AUXL_KERNELS(NAME, MODE) \
extern "C" __global__ void __launch_bounds__(AUXL_THREADS) auxl_forward_##NAME(AUXL_FORWARD_ARGS) \
{ AUXL_FORWARD_IMPL<MODE, AUXL_ELEMENT>(X, Y, rowLabels, colLabels, M, N, D, scalePtr, biasPtr, maskDiagonal, splits, rowPart, colPart); } \
extern "C" __global__ void __launch_bounds__(AUXL_THREADS) auxl_backward_##NAME(AUXL_BACKWARD_ARGS) \
{ AUXL_BACKWARD_IMPL<MODE, AUXL_ELEMENT>(X, Y, rowLabels, colLabels, M, N, D, scalePtr, biasPtr, maskDiagonal, stats, out, upstream, \
    smoothing, rowWeight, columnWeight, coefficient, dX, dY, gradScalars); } \
extern "C" __global__ void auxl_finalize_##NAME(AUXL_FINALIZE_ARGS) \
{ auxl_finalize<MODE>(rowPart, colPart, M, N, splits, rowBlocks, stats); } \
extern "C" __global__ void __launch_bounds__(AUXL_THREADS) auxl_loss_##NAME(AUXL_LOSS_ARGS) \
{ auxl_loss<MODE>(stats, M, N, smoothing, rowWeight, columnWeight, coefficient, out); }

AUXL_KERNELS(itc, AUXL_ITC)
AUXL_KERNELS(supcon, AUXL_SUPCON)
AUXL_KERNELS(siglip, AUXL_SIGLIP)
